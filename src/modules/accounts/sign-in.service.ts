import type { Clock } from '../../adapters/clock.js'
import type { Config } from '../../config.js'
import type { Database } from '../../db/client.js'
import { RateLimitedError } from '../../errors.js'
import type { AccountEmailQueue } from '../../jobs/queues.js'
import { type AuthUser, userForSignIn } from './accounts.service.js'
import * as repository from './sign-in.repository.js'
import { hashToken, looksLikeSignInToken } from './tokens.js'

/** How long an emailed sign-in link works. */
export const SIGN_IN_LINK_MINUTES = 15
const EXPIRED_LINKS_KEPT_MS = 24 * 60 * 60_000

export interface SignInDeps {
  db: Database
  clock: Clock
  config: Pick<Config, 'signup' | 'session'>
  accountEmails: Pick<AccountEmailQueue, 'enqueueSignInLink'>
}

/**
 * Records a sign-in link for `email` and asks the worker to email it. The answer is the same whether
 * or not the address has an account, so /login never tells which do; the worker sends nothing to an
 * address that may not sign in (sign-up closed, no account). At most `session.linksPerAddress` per
 * address (the per-address limit: the per-IP one is the route's).
 */
export async function requestSignInLink(deps: SignInDeps, input: { email: string; nextPath: string | null }): Promise<void> {
  const limit = deps.config.session.linksPerAddress
  const now = deps.clock.now()
  if (limit) {
    const recent = await repository.countLinksSince(deps.db, input.email, new Date(now.getTime() - limit.windowMs))
    if (recent >= limit.max) {
      throw new RateLimitedError(
        `Too many sign-in links for this address: at most ${limit.max} in ${Math.round(limit.windowMs / 60_000)} minutes. Use the last one we sent, or try again later.`,
        Math.ceil(limit.windowMs / 1000),
      )
    }
  }
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000)
  const link = await repository.insertLink(deps.db, { email: input.email, nextPath: input.nextPath, expiresAt })
  await deps.accountEmails.enqueueSignInLink(link.id)
}

/** The address a link signs in, while it is usable; it is not used up by looking (mail scanners open links). */
export async function peekSignInLink(deps: Pick<SignInDeps, 'db' | 'clock'>, token: string): Promise<{ email: string } | null> {
  if (!looksLikeSignInToken(token)) return null
  const link = await repository.findUsableLink(deps.db, hashToken(token), deps.clock.now())
  return link ? { email: link.email } : null
}

/**
 * Uses the link up and answers the account it signs in (made now for a new address where sign-up
 * is open) and where to go next; null when the link is unknown, used, expired, or names an address
 * that may not have an account.
 */
export async function signInWithLink(
  deps: Pick<SignInDeps, 'db' | 'clock' | 'config'>,
  token: string,
): Promise<{ user: AuthUser; nextPath: string | null } | null> {
  if (!looksLikeSignInToken(token)) return null
  const link = await repository.consumeLink(deps.db, hashToken(token), deps.clock.now())
  if (!link) return null
  const user = await userForSignIn({ db: deps.db, signup: deps.config.signup }, link.email)
  return user ? { user, nextPath: link.nextPath } : null
}

/**
 * Forgets links a day after they expired (or after the per-address limit's window, if longer: that
 * limit counts them): nothing can use them any more. Run by the worker's sweep; answers how many.
 */
export async function forgetExpiredSignInLinks(deps: Pick<SignInDeps, 'db' | 'clock' | 'config'>): Promise<number> {
  const keptMs = Math.max(EXPIRED_LINKS_KEPT_MS, deps.config.session.linksPerAddress?.windowMs ?? 0)
  return repository.deleteLinksExpiredBefore(deps.db, new Date(deps.clock.now().getTime() - keptMs))
}
