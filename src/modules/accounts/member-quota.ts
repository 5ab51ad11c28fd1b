/**
 * Allowances over a sliding window (emails a member sends to agencies, agencies a member adds):
 * at any time t, what was counted in (t − window, t] plus what a call asks for may not exceed the
 * limit that applies at t. A new account has a lower limit until its probation ends. When a call
 * does not fit, the answer is the earliest time it would fit in one piece (an entry leaving the
 * window, or the probation ending), or null when it never would because it asks for more than
 * any limit.
 */

export const DAY_MS = 24 * 60 * 60 * 1000

export interface Quota {
  /** When each counted thing happened, in any order. */
  used: readonly Date[]
  limit: number
  /** A lower limit that applies before `until` (a new account's). */
  probation?: { until: Date; limit: number }
  windowMs?: number
}

export type QuotaVerdict =
  | { allowed: true; limit: number; used: number; left: number }
  | { allowed: false; limit: number; used: number; left: number; retryAt: Date | null }

export function checkQuota(quota: Quota, requested: number, now: Date): QuotaVerdict {
  const windowMs = quota.windowMs ?? DAY_MS
  const times = quota.used.map((at) => at.getTime()).sort((a, b) => a - b)
  const limitAt = (t: number) => (quota.probation && t < quota.probation.until.getTime() ? quota.probation.limit : quota.limit)
  const usedAt = (t: number) => times.length - firstAfter(times, t - windowMs)
  const fitsAt = (t: number) => usedAt(t) + requested <= limitAt(t)

  const at = now.getTime()
  const limit = limitAt(at)
  const used = usedAt(at)
  const left = Math.max(0, limit - used)
  if (fitsAt(at)) return { allowed: true, limit, used, left }

  const candidates = [...times.map((time) => time + windowMs), ...(quota.probation ? [quota.probation.until.getTime()] : [])]
    .filter((t) => t > at)
    .sort((a, b) => a - b)
  const retryAt = candidates.find(fitsAt)
  return { allowed: false, limit, used, left, retryAt: retryAt === undefined ? null : new Date(retryAt) }
}

/** Index of the first of the ascending `times` later than `t`. */
function firstAfter(times: readonly number[], t: number): number {
  let low = 0
  let high = times.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (times[middle]! > t) high = middle
    else low = middle + 1
  }
  return low
}
