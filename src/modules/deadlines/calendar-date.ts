/**
 * Legal days as `YYYY-MM-DD` strings. Statutes count days, not instants, so every function here
 * works on the date parts with UTC arithmetic: no time zone or DST can shift a day. The only bridge
 * from an instant to a day is `localDateOf`, which asks for the zone explicitly.
 */

/** A calendar date `YYYY-MM-DD` (a legal day, no time zone). */
export type CalendarDate = string

/** 0 = Sunday … 6 = Saturday, as Date#getUTCDay. */
export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6

const MS_PER_DAY = 86_400_000
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const

// Deadline and reminder arithmetic converts the same few thousand dates over and over (a bulk
// submission of a thousand requests walks each one's calendar); each conversion is done once and
// remembered. Only real dates are remembered, and the memo is bounded.
const MEMO_LIMIT = 100_000
const epochDays = new Map<CalendarDate, number>()
const datesByEpochDay = new Map<number, CalendarDate>()

function remember<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(key, value)
  return value
}

/** Days since 1970-01-01; throws a RangeError on anything that is not a real date. */
function epochDay(date: CalendarDate): number {
  const known = epochDays.get(date)
  if (known !== undefined) return known
  const match = ISO_DATE.exec(date)
  if (match) {
    const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
    if (new Date(time).toISOString().slice(0, 10) === date) return remember(epochDays, date, time / MS_PER_DAY)
  }
  throw new RangeError(`Expected a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`)
}

function fromEpochDay(day: number): CalendarDate {
  return datesByEpochDay.get(day) ?? remember(datesByEpochDay, day, new Date(day * MS_PER_DAY).toISOString().slice(0, 10))
}

export function isCalendarDate(value: string): boolean {
  try {
    epochDay(value)
    return true
  } catch {
    return false
  }
}

/** The date with these parts (month 1-12); throws when the day does not exist (2025-02-29). */
export function calendarDate(year: number, month: number, day: number): CalendarDate {
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  epochDay(date)
  return date
}

export function yearOf(date: CalendarDate): number {
  return new Date(epochDay(date) * MS_PER_DAY).getUTCFullYear()
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromEpochDay(epochDay(date) + days)
}

export function dayOfWeek(date: CalendarDate): DayOfWeek {
  // 1970-01-01 was a Thursday.
  return ((((epochDay(date) + 4) % 7) + 7) % 7) as DayOfWeek
}

export function weekdayName(date: CalendarDate): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[dayOfWeek(date)]
}

/** Negative when `a` is earlier, 0 when equal, positive when later (a sort comparator). */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return epochDay(a) - epochDay(b)
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return epochDay(to) - epochDay(from)
}

/** "2026-11-22" → "November 22, 2026" (US long form, as letters date things). */
export function formatLongDate(date: CalendarDate): string {
  const d = new Date(epochDay(date) * MS_PER_DAY)
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    // Throws a RangeError for an unknown zone, which is what we want: a wrong zone is a wrong day.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

const localDates = new Map<string, CalendarDate>()

/** The calendar date a wall clock in `timeZone` shows at `instant` (the tz database handles DST). */
export function localDateOf(instant: Date, timeZone: string): CalendarDate {
  const time = instant.getTime()
  if (Number.isNaN(time)) throw new RangeError('localDateOf: invalid Date')
  // Intl is slow, and a bulk submission asks for the same instant (now, the submission) a thousand times.
  const key = `${timeZone} ${time}`
  const known = localDates.get(key)
  if (known !== undefined) return known
  const parts = formatterFor(timeZone).formatToParts(instant)
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value)
  return remember(localDates, key, calendarDate(part('year'), part('month'), part('day')))
}
