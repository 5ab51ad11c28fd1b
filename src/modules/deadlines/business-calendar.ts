/**
 * One agency's business days: weekdays that are neither a jurisdiction holiday that stops the
 * records-law clock, nor a day the jurisdiction's offices closed (a holiday the governor designates,
 * a proclamation, a storm), nor a day the agency itself was closed (furlough, a local closure).
 */
import { addDays, type CalendarDate, dayOfWeek, isCalendarDate, weekdayName, yearOf } from './calendar-date.js'
import type { HolidayCalendar } from './holiday-calendar.js'

export interface AgencyClosure {
  date: CalendarDate
  reason: string
}

export interface BusinessCalendarInput {
  holidays: HolidayCalendar
  jurisdictionCode: string
  agencyClosures: readonly AgencyClosure[]
  /** Days the jurisdiction's offices closed beyond its statutory holidays (designated days, proclamations). */
  jurisdictionClosures?: readonly AgencyClosure[]
}

export interface BusinessCalendar {
  isBusinessDay(date: CalendarDate): boolean
  /** "Saturday", "Thanksgiving Day (RCW 1.16.050)", "Agency closure: <reason>", or null on a business day. */
  nonBusinessReason(date: CalendarDate): string | null
  /** The first business day strictly after `date`. */
  nextBusinessDay(date: CalendarDate): CalendarDate
  /**
   * The n-th business day after `date` (before it when n is negative; `date` itself when n is 0):
   * addBusinessDays(due, -2) is "two business days before the due date".
   */
  addBusinessDays(date: CalendarDate, n: number): CalendarDate
}

export function createBusinessCalendar({
  holidays,
  jurisdictionCode,
  agencyClosures,
  jurisdictionClosures = [],
}: BusinessCalendarInput): BusinessCalendar {
  const closures = closureReasons(agencyClosures)
  const stateClosures = closureReasons(jurisdictionClosures)

  function nonBusinessReason(date: CalendarDate): string | null {
    const weekday = dayOfWeek(date)
    if (weekday === 0 || weekday === 6) return weekdayName(date)
    const holiday = holidays.closuresIn(jurisdictionCode, yearOf(date)).get(date)
    if (holiday !== undefined) return holiday
    const stateClosure = stateClosures.get(date)
    if (stateClosure !== undefined) return `State offices closed: ${stateClosure}`
    const closure = closures.get(date)
    return closure === undefined ? null : `Agency closure: ${closure}`
  }

  const isBusinessDay = (date: CalendarDate) => nonBusinessReason(date) === null

  function step(date: CalendarDate, direction: 1 | -1): CalendarDate {
    let day = addDays(date, direction)
    while (!isBusinessDay(day)) day = addDays(day, direction)
    return day
  }

  return {
    isBusinessDay,
    nonBusinessReason,
    nextBusinessDay: (date) => step(date, 1),
    addBusinessDays(date, n) {
      if (!Number.isInteger(n)) throw new RangeError(`addBusinessDays: expected a whole number of days, got ${n}`)
      let day = date
      for (let i = 0; i < Math.abs(n); i++) day = step(day, n > 0 ? 1 : -1)
      return day
    },
  }
}

function closureReasons(agencyClosures: readonly AgencyClosure[]): Map<CalendarDate, string> {
  const reasons = new Map<CalendarDate, string>()
  for (const { date, reason } of agencyClosures) {
    if (!isCalendarDate(date)) throw new RangeError(`Agency closure date must be YYYY-MM-DD, got ${JSON.stringify(date)}`)
    const other = reasons.get(date)
    reasons.set(date, other === undefined ? reason : `${other}; ${reason}`)
  }
  return reasons
}
