import t from 'tap'
import { expectedResponse, hasNoFixedPeriod } from '../../../src/modules/deadlines/prompt-response.js'

// Weekdays only, enough for the rule (holidays are the business calendar's own tests).
const calendar = {
  addBusinessDays(date: string, n: number) {
    const day = new Date(`${date}T12:00:00Z`)
    let left = n
    while (left > 0) {
      day.setUTCDate(day.getUTCDate() + 1)
      if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) left -= 1
    }
    return day.toISOString().slice(0, 10)
  },
}
const noPeriod = { dueDate: null, pausedSince: null, running: 'response' as const, countedFrom: '2026-12-01' }

t.test('a law with no fixed period gets an expected date, never a statutory one', async (t) => {
  const fallback = expectedResponse(noPeriod, calendar, { requested: null, fallback: 10 })
  t.match(fallback, { date: '2026-12-15', businessDays: 10, chosenByRequester: false, statutory: false })
  t.match(fallback!.explanation, /^Not a statutory deadline/)
  t.match(fallback!.explanation, /10 business days \(its default\)/)
  const chosen = expectedResponse(noPeriod, calendar, { requested: 1, fallback: 10 })
  t.match(chosen, { date: '2026-12-02', businessDays: 1, chosenByRequester: true })
  t.match(chosen!.explanation, /You chose to expect an answer within 1 business day/)
})

t.test('nothing expected with a statutory date, a paused clock, before filing or in the appeal window', async (t) => {
  t.equal(expectedResponse({ ...noPeriod, dueDate: '2026-12-08' }, calendar, { requested: null, fallback: 10 }), null)
  t.equal(expectedResponse({ ...noPeriod, pausedSince: '2026-12-03' }, calendar, { requested: null, fallback: 10 }), null)
  t.equal(expectedResponse(null, calendar, { requested: 5, fallback: 10 }), null)
  t.equal(expectedResponse({ ...noPeriod, running: 'appeal_window' }, calendar, { requested: null, fallback: 10 }), null)
  t.ok(hasNoFixedPeriod({ ...noPeriod, running: undefined } as never), 'deadlines stored before clocks existed')
})
