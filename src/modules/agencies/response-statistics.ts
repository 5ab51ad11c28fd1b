/**
 * How an agency answers requests, from each filed request's timeline. Rules:
 * - First response: the agency's first recorded step after filing (acknowledged, extended, a fee or
 *   clarification asked, records released, denied, no records) or its first reply by email.
 *   Completion: its first final answer (fulfilled, no records, rejected).
 * - Open requests are not dropped: a request still waiting counts as "waited at least this long"
 *   (right-censored at `now`, or when the requester withdrew it). Medians are Kaplan–Meier medians:
 *   the first time at which the estimated share still waiting falls to one half or below; null when
 *   it never does (more than half are still waiting) or fewer than MIN_SAMPLE requests were filed.
 * - On time: a final answer on or before the due date the law set (extensions the agency took
 *   lawfully included). Requests without a statutory due date (laws with no fixed period) are left
 *   out. The rate carries a Wilson 95% score interval and is null below MIN_SAMPLE such answers.
 * Days are calendar days, fractional, rounded to one decimal.
 */

export const MIN_SAMPLE = 5
const DAY_MS = 86_400_000
const Z_95 = 1.959963984540054

/** One request's timeline, as the repository reads it (submittedAt null: a draft, not filed yet). */
export interface ResponseTimeline {
  submittedAt: Date | null
  firstResponseAt: Date | null
  completedAt: Date | null
  withdrawnAt: Date | null
  /** Whether the final answer came by the statutory due date; null without an answer or a due date. */
  answeredOnTime: boolean | null
}

export interface Observation {
  /** Days until the event, or until observation stopped. */
  days: number
  /** True: the event happened; false: censored (still waiting when last seen). */
  event: boolean
}

/** The Kaplan–Meier median of right-censored observations, or null when the curve never reaches one half. */
export function kaplanMeierMedian(observations: readonly Observation[]): number | null {
  // At tied times, events come before censorings (the usual convention).
  const sorted = [...observations].sort((a, b) => a.days - b.days || Number(b.event) - Number(a.event))
  let atRisk = sorted.length
  let survival = 1
  let index = 0
  while (index < sorted.length) {
    const time = sorted[index]!.days
    let events = 0
    let leaving = 0
    while (index < sorted.length && sorted[index]!.days === time) {
      if (sorted[index]!.event) events += 1
      leaving += 1
      index += 1
    }
    if (events > 0) {
      survival *= 1 - events / atRisk
      if (survival <= 0.5 + 1e-12) return time
    }
    atRisk -= leaving
  }
  return null
}

export interface Proportion {
  rate: number
  low: number
  high: number
  n: number
}

/** The share of successes with its Wilson score interval (95% by default). */
export function wilsonInterval(successes: number, n: number, z = Z_95): Proportion {
  if (!Number.isInteger(n) || n <= 0 || successes < 0 || successes > n) throw new RangeError(`no proportion of ${successes} in ${n}`)
  const p = successes / n
  const z2 = z * z
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  // At 0 and at n the interval closes exactly on the observed end (rounding would leave 1e-16 off it).
  return { rate: p, low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half), n }
}

function daysBetween(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / DAY_MS)
}

function observe(submittedAt: Date, at: Date | null, censoredAt: Date): Observation {
  return at ? { days: daysBetween(submittedAt, at), event: true } : { days: daysBetween(submittedAt, censoredAt), event: false }
}

const oneDecimal = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10)

export interface ResponseStatistics {
  requests: number
  filed: number
  answered: number
  /** Filed requests with no response yet, counted as still waiting. */
  waitingForFirstResponse: number
  medianDaysToFirstResponse: number | null
  medianDaysToCompletion: number | null
  onTime: Proportion | null
}

type Filed = ResponseTimeline & { submittedAt: Date }

export function summarizeResponses(all: readonly ResponseTimeline[], now: Date): ResponseStatistics {
  const timelines = all.filter((timeline): timeline is Filed => timeline.submittedAt !== null)
  const filed = timelines.length
  const stopped = (timeline: Filed) => (timeline.withdrawnAt && timeline.withdrawnAt < now ? timeline.withdrawnAt : now)
  const median = (pick: (timeline: Filed) => Date | null) =>
    filed < MIN_SAMPLE
      ? null
      : oneDecimal(kaplanMeierMedian(timelines.map((timeline) => observe(timeline.submittedAt, pick(timeline), stopped(timeline)))))
  const judged = timelines.filter((timeline) => timeline.answeredOnTime !== null)
  return {
    requests: all.length,
    filed,
    answered: timelines.filter((timeline) => timeline.completedAt !== null).length,
    waitingForFirstResponse: timelines.filter((timeline) => timeline.firstResponseAt === null).length,
    medianDaysToFirstResponse: median((timeline) => timeline.firstResponseAt),
    medianDaysToCompletion: median((timeline) => timeline.completedAt),
    onTime: judged.length < MIN_SAMPLE ? null : wilsonInterval(judged.filter((timeline) => timeline.answeredOnTime).length, judged.length),
  }
}

/** The statistics of each state's requests among `timelines`, states in alphabetical order. */
export function summarizeByState(timelines: readonly (ResponseTimeline & { state: string })[], now: Date) {
  const byState = new Map<string, ResponseTimeline[]>()
  for (const timeline of timelines) {
    const ofState = byState.get(timeline.state)
    if (ofState) ofState.push(timeline)
    else byState.set(timeline.state, [timeline])
  }
  return [...byState].sort(([a], [b]) => a.localeCompare(b)).map(([state, ofState]) => ({ state, ...summarizeResponses(ofState, now) }))
}
