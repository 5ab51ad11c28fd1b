/**
 * Laws that set no fixed response period ("promptly", "without unreasonable delay": Florida, Arizona,
 * Iowa, …) give a request no statutory due date. So that such requests are still chased, each gets
 * an expected-response date. Rules:
 * - It applies while the deadline has no due date only because the law sets none: not while a fee or
 *   clarification pause holds the clock, not before submission, not for the appeal window.
 * - It falls `businessDays` business days (the agency's: holidays and closures skipped) after the day
 *   counting starts: the requester's own choice for the request, else PROMPT_RESPONSE_BUSINESS_DAYS.
 * - It is an expectation, never a statutory deadline: everything that shows it says so, and the
 *   request's `dueDate` and `overdue` stay statutory (null and false).
 */
import type { BusinessCalendar } from './business-calendar.js'
import type { CalendarDate } from './calendar-date.js'
import type { Deadline } from './deadline.js'

export interface ExpectedResponse {
  date: CalendarDate
  businessDays: number
  /** True when the requester set the period for this request; false: the service's default. */
  chosenByRequester: boolean
  statutory: false
  explanation: string
}

export function hasNoFixedPeriod(deadline: Pick<Deadline, 'dueDate' | 'pausedSince' | 'running'> | null): deadline is Deadline {
  return (
    deadline !== null &&
    deadline.dueDate === null &&
    deadline.pausedSince === null &&
    deadline.running !== 'appeal_window' &&
    deadline.running !== 'acknowledgment'
  )
}

export function expectedResponse(
  deadline: Pick<Deadline, 'dueDate' | 'pausedSince' | 'running' | 'countedFrom'> | null,
  calendar: Pick<BusinessCalendar, 'addBusinessDays'>,
  period: { requested: number | null; fallback: number },
): ExpectedResponse | null {
  if (!hasNoFixedPeriod(deadline as Deadline | null)) return null
  const businessDays = period.requested ?? period.fallback
  const chosenByRequester = period.requested !== null
  return {
    date: calendar.addBusinessDays(deadline!.countedFrom, businessDays),
    businessDays,
    chosenByRequester,
    statutory: false,
    explanation: expectedResponseExplanation(businessDays, chosenByRequester),
  }
}

/** The words that go with an expected-response date wherever it is shown. */
export function expectedResponseExplanation(businessDays: number, chosenByRequester: boolean): string {
  const period = `${businessDays} business ${businessDays === 1 ? 'day' : 'days'}`
  return `Not a statutory deadline: the law sets no fixed number of days, only a prompt response. ${
    chosenByRequester ? `You chose to expect an answer within ${period}` : `The service expects an answer within ${period} (its default)`
  } of receipt, and sends reminders by that date.`
}
