import type { Config } from '../../config.js'
import type { Executor } from '../../db/client.js'
import { QuotaExceededError, RuleViolationError } from '../../errors.js'
import { lockUser } from './accounts.repository.js'
import type { AuthUser } from './accounts.service.js'
import { checkQuota, DAY_MS, type Quota } from './member-quota.js'

export interface LimitDeps {
  config: Pick<Config, 'memberLimits'>
  clock: { now(): Date }
}

interface Spend {
  /** What the allowance is for, as in "may send 20 emails to agencies". */
  what: (count: number) => string
  requested: number
  /** When each counted thing happened since `since`. */
  usedSince(since: Date): Promise<Date[]>
}

/**
 * Checks that a member may spend `requested` of an allowance now, inside the transaction that spends
 * it (the user's row is locked until it ends). Admins have no limits. Answers 429 with the time the
 * same call would fit, or 422 when it never would in one piece.
 */
async function assertWithinLimit(
  deps: LimitDeps,
  tx: Executor,
  user: AuthUser,
  spend: Spend,
  quotaOf: (createdAt: Date) => Omit<Quota, 'used'>,
): Promise<void> {
  if (user.role === 'admin') return
  const account = await lockUser(tx, user.id)
  if (!account) return
  const now = deps.clock.now()
  const quota = quotaOf(account.createdAt)
  const verdict = checkQuota({ ...quota, used: await spend.usedSince(new Date(now.getTime() - DAY_MS)) }, spend.requested, now)
  if (verdict.allowed) return
  const probation = quota.probation && now < quota.probation.until ? quota.probation : undefined
  const rule = probation
    ? `Accounts younger than ${deps.config.memberLimits.newAccountDays} days may ${spend.what(probation.limit)} in any 24 hours (${quota.limit} once this account is older, from ${probation.until.toISOString()})`
    : `Each account may ${spend.what(verdict.limit)} in any 24 hours`
  const standing = `this account used ${verdict.used} in the last 24 hours, ${verdict.left} ${verdict.left === 1 ? 'is' : 'are'} left, and this call asks for ${spend.requested}`
  if (!verdict.retryAt) {
    const advice = quota.limit === 0 ? 'Ask an administrator.' : `Split it into batches of at most ${quota.limit}.`
    throw new RuleViolationError(`${rule}; ${standing}. ${advice}`)
  }
  const seconds = Math.max(1, Math.ceil((verdict.retryAt.getTime() - now.getTime()) / 1000))
  throw new QuotaExceededError(`${rule}; ${standing}. The same call fits from ${verdict.retryAt.toISOString()}.`, seconds)
}

/** Emails to agencies (letters now, follow-ups later) a member's submissions by email may cause. */
export function assertAgencyEmailAllowance(deps: LimitDeps, tx: Executor, user: AuthUser, spend: Omit<Spend, 'what'>): Promise<void> {
  const limits = deps.config.memberLimits
  return assertWithinLimit(
    deps,
    tx,
    user,
    { ...spend, what: (count) => `send ${count} ${count === 1 ? 'email' : 'emails'} to agencies` },
    (createdAt) => ({
      limit: limits.agencyEmailsPerDay,
      probation: { until: new Date(createdAt.getTime() + limits.newAccountDays * DAY_MS), limit: limits.newAccountAgencyEmailsPerDay },
    }),
  )
}

/** New agencies a member may add. */
export function assertAgencyCreationAllowance(deps: LimitDeps, tx: Executor, user: AuthUser, usedSince: Spend['usedSince']): Promise<void> {
  return assertWithinLimit(
    deps,
    tx,
    user,
    { what: (count) => `add ${count} ${count === 1 ? 'agency' : 'agencies'}`, requested: 1, usedSince },
    () => ({ limit: deps.config.memberLimits.agenciesPerDay }),
  )
}
