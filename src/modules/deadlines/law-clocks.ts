/**
 * Every clock a records law sets, with the dates each version was in force (data/records-law-clocks.csv,
 * described in data/records-laws.md). Pure: parsing and choosing the version in force.
 *
 * - `drivesDueDate` rows are dated versions of the law's first response period (what
 *   records-laws.csv calls response_days): the one in force on the day of receipt counts the due
 *   date. A version without days means the law then set no fixed period.
 * - The other rows are clocks of their own: a determination counted from the acknowledgment, the
 *   longest extension (counted from the original due date), and the requester's window to appeal a
 *   denial. Each applies when it was in force on the day it starts counting.
 */
import { z } from 'zod'
import { type CalendarDate, compareDates, isCalendarDate } from './calendar-date.js'

export const CLOCK_KINDS = ['response', 'acknowledgment', 'determination', 'extension_limit', 'appeal_window'] as const
export type ClockKind = (typeof CLOCK_KINDS)[number]
export const CLOCK_STARTS = ['receipt', 'acknowledgment', 'due_date', 'denial'] as const
export type ClockStart = (typeof CLOCK_STARTS)[number]

export interface LawClock {
  kind: Exclude<ClockKind, 'response'>
  /** Null: the law set no fixed number of days in this version. */
  days: number | null
  dayType: 'business' | 'calendar' | null
  countedFrom: ClockStart
  drivesDueDate: boolean
  /** First day in force; null when in force since before the data begins. */
  effectiveFrom: CalendarDate | null
  /** Last day in force; null while still in force. */
  effectiveTo: CalendarDate | null
  citation: string
}

const optionalDate = z
  .string()
  .trim()
  .refine((value) => value === '' || isCalendarDate(value), 'must be YYYY-MM-DD or empty')
  .transform((value) => (value === '' ? null : value))

export const lawClockRow = z
  .object({
    jurisdiction_code: z.string().regex(/^[A-Z]{2}$/),
    kind: z.enum(['acknowledgment', 'determination', 'extension_limit', 'appeal_window']),
    days: z
      .string()
      .regex(/^\s*\d*\s*$/, 'must be a whole number or empty')
      .transform((value) => (value.trim() === '' ? null : Number(value))),
    day_type: z.enum(['business', 'calendar', 'none']),
    counted_from: z.enum(CLOCK_STARTS),
    drives_due_date: z.enum(['yes', 'no']),
    effective_from: optionalDate,
    effective_to: optionalDate,
    citation: z.string().trim().min(1),
    source: z.string().trim().min(1, 'every row cites its source'),
    notes: z.string().regex(/^\[(high|medium|low)\]/, 'must start with a confidence tag [high], [medium] or [low]'),
  })
  .refine((row) => (row.days === null) === (row.day_type === 'none'), 'days and day_type must both be set or both be empty/none')
  .refine((row) => row.days !== null || row.drives_due_date === 'yes', 'only a response period may have no days')
  .refine(
    (row) => row.effective_from === null || row.effective_to === null || compareDates(row.effective_from, row.effective_to) <= 0,
    'effective_from must not be after effective_to',
  )

export type LawClockRow = z.infer<typeof lawClockRow>

export function toLawClock(row: LawClockRow): LawClock {
  return {
    kind: row.kind,
    days: row.days,
    dayType: row.day_type === 'none' ? null : row.day_type,
    countedFrom: row.counted_from,
    drivesDueDate: row.drives_due_date === 'yes',
    effectiveFrom: row.effective_from,
    effectiveTo: row.effective_to,
    citation: row.citation,
  }
}

export function isInForce(clock: Pick<LawClock, 'effectiveFrom' | 'effectiveTo'>, on: CalendarDate): boolean {
  return (
    (clock.effectiveFrom === null || compareDates(clock.effectiveFrom, on) <= 0) &&
    (clock.effectiveTo === null || compareDates(on, clock.effectiveTo) <= 0)
  )
}

/** The version of the response period in force on `on`, or undefined when the data has none (records-laws.csv applies). */
export function responsePeriodOn(clocks: readonly LawClock[], on: CalendarDate): LawClock | undefined {
  return clocks.find((clock) => clock.drivesDueDate && isInForce(clock, on))
}

/** The clocks besides the response period that start from `start` and were in force on `on`. */
export function clocksStartingFrom(clocks: readonly LawClock[], start: ClockStart, on: CalendarDate): LawClock[] {
  return clocks.filter((clock) => !clock.drivesDueDate && clock.countedFrom === start && clock.days !== null && isInForce(clock, on))
}

/**
 * Throws unless each jurisdiction's response-period versions do not overlap: two versions in force on
 * the same day would make the due date depend on row order.
 */
export function assertNoOverlaps(code: string, clocks: readonly LawClock[]): void {
  const periods = clocks.filter((clock) => clock.drivesDueDate)
  for (const [index, a] of periods.entries()) {
    for (const b of periods.slice(index + 1)) {
      const aStartsBeforeBEnds = a.effectiveFrom === null || b.effectiveTo === null || compareDates(a.effectiveFrom, b.effectiveTo) <= 0
      const bStartsBeforeAEnds = b.effectiveFrom === null || a.effectiveTo === null || compareDates(b.effectiveFrom, a.effectiveTo) <= 0
      if (aStartsBeforeBEnds && bStartsBeforeAEnds)
        throw new Error(`records-law-clocks.csv: ${code} has two response periods in force at once`)
    }
  }
}
