import type { Mailer } from '../../adapters/mailer/mailer.js'
import type { AppContext } from '../../context.js'
import type { AccountTokenReason } from '../../jobs/catalog.js'
import type { AccountHandlers } from '../../jobs/runner.js'
import type { EmailTemplates } from '../templates/email-templates.js'
import * as repository from './accounts.repository.js'
import { maySignIn } from './accounts.service.js'
import * as signInRepository from './sign-in.repository.js'
import { forgetExpiredSignInLinks, SIGN_IN_LINK_MINUTES } from './sign-in.service.js'
import { generateSignInToken, generateToken, hashToken } from './tokens.js'

export type AccountEmailDeps = Pick<AppContext, 'db' | 'config' | 'logger' | 'clock'> & {
  mailer: Mailer
  emails: EmailTemplates
}

/** The worker's side of a public sign-up: the token is made here and only ever leaves by email. */
export function createAccountHandlers(deps: AccountEmailDeps): AccountHandlers {
  return {
    emailToken: (userId, reason) => emailToken(deps, userId, reason),
    emailSignInLink: (linkId) => emailSignInLink(deps, linkId),
    forgetExpiredSignInLinks: () => forgetExpiredSignInLinks(deps),
  }
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

/**
 * Makes a sign-in link's token and emails the link, like emailToken: a mail the server did not
 * accept takes the token back, and the job is retried. Nothing is sent for a link already used,
 * expired or mailed, nor to an address that may not sign in (sign-up closed and no account): /login
 * answered the same either way, and this silence keeps it from telling.
 */
async function emailSignInLink(deps: AccountEmailDeps, linkId: string): Promise<void> {
  const link = await signInRepository.findLink(deps.db, linkId)
  if (!link || link.usedAt || link.tokenHash || link.expiresAt <= deps.clock.now()) return
  if (!(await maySignIn({ db: deps.db, signup: deps.config.signup }, link.email))) {
    deps.logger.info({ link: link.id }, 'sign-in link not sent: sign-up is closed and the address has no account')
    return
  }
  const value = generateSignInToken()
  if (!(await signInRepository.setTokenHash(deps.db, link.id, hashToken(value)))) return
  const rendered = deps.emails.signInLink({
    email: link.email,
    link: { url: `${deps.config.publicUrl}/login/${value}`, expiresInMinutes: SIGN_IN_LINK_MINUTES },
  })
  try {
    await deps.mailer.send({
      messageId: `<sign-in-${link.id}@${deps.config.replyDomain}>`,
      from: deps.config.mailFrom,
      to: link.email,
      headers: { 'Auto-Submitted': 'auto-generated' },
      ...rendered,
    })
  } catch (error) {
    await signInRepository.clearTokenHash(deps.db, link.id)
    throw error
  }
  deps.logger.info({ link: link.id }, 'sign-in link emailed')
}
