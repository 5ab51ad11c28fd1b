import t from 'tap'
import {
  kaplanMeierMedian,
  type ResponseTimeline,
  summarizeByState,
  summarizeResponses,
  wilsonInterval,
} from '../../../src/modules/agencies/response-statistics.js'

const done = (days: number) => ({ days, event: true })
const waiting = (days: number) => ({ days, event: false })

t.test('Kaplan–Meier median', async (t) => {
  t.equal(kaplanMeierMedian([1, 2, 3, 4, 5].map(done)), 3, 'no censoring: the ordinary median')
  // Dropping the open ones would give 3 (of 1, 3, 4); counting them as answered, 3 too: both wrong.
  t.equal(kaplanMeierMedian([done(1), waiting(2), done(3), done(4), waiting(5)]), 4, 'requests still waiting push the median later')
  t.equal(kaplanMeierMedian([done(1), waiting(10), waiting(10), waiting(10)]), null, 'most still waiting: no median yet')
  t.equal(kaplanMeierMedian([done(2), done(2), waiting(2), done(5)]), 2, 'tied events before the censoring at the same time')
  t.equal(kaplanMeierMedian([]), null)
  t.equal(kaplanMeierMedian([waiting(0), done(7)]), 7, 'censored at 0 leaves the curve alone')
})

t.test('Wilson 95% interval', async (t) => {
  const fourOfFive = wilsonInterval(4, 5)
  t.equal(fourOfFive.rate, 0.8)
  t.ok(Math.abs(fourOfFive.low - 0.3755) < 5e-4, `low ${fourOfFive.low}`)
  t.ok(Math.abs(fourOfFive.high - 0.9638) < 5e-4, `high ${fourOfFive.high}`)
  t.match(wilsonInterval(0, 10), { rate: 0, low: 0, n: 10 })
  t.ok(Math.abs(wilsonInterval(0, 10).high - 0.2775) < 5e-4)
  t.match(wilsonInterval(10, 10), { rate: 1, high: 1 })
  t.ok(Math.abs(wilsonInterval(10, 10).low - 0.7225) < 5e-4)
  t.throws(() => wilsonInterval(1, 0), RangeError)
  t.throws(() => wilsonInterval(6, 5), RangeError)
})

const now = new Date('2026-06-30T12:00:00Z')
const day = (n: number) => new Date(Date.UTC(2026, 5, 1) + n * 86_400_000)
function filed(
  response: number | null,
  completion: number | null,
  onTime: boolean | null = null,
  withdrawn: number | null = null,
): ResponseTimeline {
  return {
    submittedAt: day(0),
    firstResponseAt: response === null ? null : day(response),
    completedAt: completion === null ? null : day(completion),
    withdrawnAt: withdrawn === null ? null : day(withdrawn),
    answeredOnTime: onTime,
  }
}
const draft: ResponseTimeline = { submittedAt: null, firstResponseAt: null, completedAt: null, withdrawnAt: null, answeredOnTime: null }

t.test('summary: nothing shown below five', async (t) => {
  const few = summarizeResponses([filed(1, 3, true), filed(2, 4, true), filed(null, null), filed(5, 9, false), draft], now)
  t.same(few, {
    requests: 5,
    filed: 4,
    answered: 3,
    waitingForFirstResponse: 1,
    medianDaysToFirstResponse: null,
    medianDaysToCompletion: null,
    onTime: null,
  })
})

t.test('summary: open and withdrawn requests count as waiting, on time over statutory answers', async (t) => {
  const timelines = [
    filed(1, 3, true),
    filed(2, 6, true),
    filed(3, 8, false),
    filed(4, 10, true),
    filed(5, 12, true),
    filed(null, null, null, 2), // withdrawn on day 2 before any answer: waited 2 days, then left
    filed(6, null), // answered something, still open: waiting for completion since day 0 (29.5 days)
    filed(2, 5, null), // answered, but the law sets no due date: not judged on time
  ]
  const summary = summarizeResponses(timelines, now)
  t.match(summary, { requests: 8, filed: 8, answered: 6, waitingForFirstResponse: 1 })
  // First response: 1, 2, 2, 2(withdrawn, censored), 3, 4, 5, 6: S falls to 0.5 at day 3 (5/8 → … ).
  t.equal(summary.medianDaysToFirstResponse, 3)
  // Completion: 3, 5, 6, 8, 10, 12, 2 censored, 29.5 censored: S = 1 · 6/7 · 5/6 · 4/5 · 3/4 = 0.43 at day 8.
  t.equal(summary.medianDaysToCompletion, 8)
  t.match(summary.onTime, { rate: 0.8, n: 5 })
})

t.test('per state', async (t) => {
  const rows = [
    { ...filed(1, 2, true), state: 'WA' },
    { ...filed(3, 4, false), state: 'FL' },
    { ...draft, state: 'WA' },
  ]
  t.match(summarizeByState(rows, now), [
    { state: 'FL', requests: 1, filed: 1, answered: 1 },
    { state: 'WA', requests: 2, filed: 1, answered: 1 },
  ])
})
