import type { Mailer } from '../../adapters/mailer/mailer.js'
import type { AppContext } from '../../context.js'
import type { AccountTokenReason } from '../../jobs/catalog.js'
import type { AccountHandlers } from '../../jobs/runner.js'
import type { EmailTemplates } from '../templates/email-templates.js'
import * as repository from './accounts.repository.js'
import { generateToken, hashToken } from './tokens.js'

export type AccountEmailDeps = Pick<AppContext, 'db' | 'config' | 'logger'> & {
  mailer: Mailer
  emails: EmailTemplates
}

/** The worker's side of a public sign-up: the token is made here and only ever leaves by email. */
export function createAccountHandlers(deps: AccountEmailDeps): AccountHandlers {
  return { emailToken: (userId, reason) => emailToken(deps, userId, reason) }
}

/**
 * Issues a token and emails it. A mail the server did not accept takes its token back, so every
 * token that works was delivered; the job is retried. A worker killed between the two leaves a
 * token nobody ever saw, which is as good as none.
 */
async function emailToken(deps: AccountEmailDeps, userId: string, reason: AccountTokenReason): Promise<void> {
  const user = await repository.findUser(deps.db, userId)
  if (!user) return
  const value = generateToken()
  const token = await repository.insertToken(deps.db, user.id, hashToken(value))
  const context = { user: { name: user.name, email: user.email }, token: { id: token.id, value }, docsUrl: `${deps.config.publicUrl}/docs` }
  const rendered = reason === 'sign-up' ? deps.emails.signUpToken(context) : deps.emails.signUpAgain(context)
  try {
    await deps.mailer.send({
      messageId: `<account-token-${token.id}@${deps.config.replyDomain}>`,
      from: deps.config.mailFrom,
      to: user.email,
      headers: { 'Auto-Submitted': 'auto-generated' },
      ...rendered,
    })
  } catch (error) {
    await repository.deleteTokenById(deps.db, token.id)
    throw error
  }
  deps.logger.info({ user: user.id, reason }, 'account token emailed')
}
