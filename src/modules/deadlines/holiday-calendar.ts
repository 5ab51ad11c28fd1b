/**
 * Which days stop a records-law clock in each jurisdiction, from data/state-holidays.csv (see
 * data/state-holidays.md for the grammar and the notes tags).
 *
 * Which rows close the clock:
 * - `[offices open …]` rows are statutory holidays on which state offices work, so they do not stop
 *   the clock, EXCEPT where the records law counts legal holidays whether or not offices close:
 *   Texas (Gov't Code 552.0031: PIA business days exclude every 662.003 holiday, skeleton-crew days
 *   included) and Michigan (AG Op. 7172: FOIA business days exclude MCL 435.101 holidays).
 * - `[half day]` and `[regional …]` rows do not stop the clock statewide (an agency in the region
 *   adds them as closure days).
 * - Federal Inauguration Day has no tag but is regional too: 5 U.S.C. 6103(c) gives it only to
 *   DC-area employees, and FOIA working days exclude only 6103(a) "legal public holidays".
 * - `proclaimed` rules have no computable date and close nothing here; their dates, where found, are
 *   jurisdiction closures (data/jurisdiction-closures.csv), which the business calendar adds.
 * - Every other row closes the clock on its observed date.
 */
import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import type { CalendarDate } from './calendar-date.js'
import { type CompiledHoliday, compileHoliday } from './holiday-rules.js'

export const STATE_HOLIDAYS_CSV = new URL('../../../data/state-holidays.csv', import.meta.url)

/** Records laws that count statutory holidays as non-business days even when offices are open. */
const COUNTS_HOLIDAYS_REGARDLESS_OF_CLOSURE: ReadonlySet<string> = new Set(['TX', 'MI'])
const UNTAGGED_REGIONAL_ROWS: ReadonlyArray<Pick<HolidayRow, 'jurisdictionCode' | 'rule'>> = [
  { jurisdictionCode: 'US', rule: 'inauguration' },
]

export interface HolidayRow {
  jurisdictionCode: string
  holidayName: string
  rule: string
  observance: string
  statute: string
  confidence: string
  source: string
  notes: string
}

export interface HolidayCalendar {
  /**
   * The days in `year` on which holidays stop `code`'s clock, with the reason ("Thanksgiving Day
   * (RCW 1.16.050)"). Includes days observed in `year` for a holiday of the next or previous year.
   * Throws for a jurisdiction the table does not cover.
   */
  closuresIn(code: string, year: number): ReadonlyMap<CalendarDate, string>
}

const NOTE_TAG = /^\[([^\]]*)\]/

const holidayCsvRow = z.object({
  jurisdiction_code: z.string().regex(/^[A-Z]{2}$/, 'must be a USPS code'),
  holiday_name: z.string().trim().min(1),
  rule: z.string().trim().min(1),
  observance: z.string().trim().min(1),
  statute: z.string().trim().min(1),
  confidence: z.string(),
  source: z.string(),
  notes: z.string().trim(),
})

export function parseHolidayCsv(text: string): HolidayRow[] {
  const records: unknown[] = parse(text, { columns: true, skip_empty_lines: true, bom: true })
  return records.map((record, index) => {
    const parsed = holidayCsvRow.safeParse(record)
    if (!parsed.success) {
      throw new Error(`state-holidays.csv line ${index + 2}: ${z.prettifyError(parsed.error)}`)
    }
    const row = parsed.data
    return {
      jurisdictionCode: row.jurisdiction_code,
      holidayName: row.holiday_name,
      rule: row.rule,
      observance: row.observance,
      statute: row.statute,
      confidence: row.confidence,
      source: row.source,
      notes: row.notes,
    }
  })
}

interface ClosingHoliday {
  reason: string
  holiday: CompiledHoliday
}

/** Compiles every row up front, so a rule outside the grammar throws here, naming the row. */
export function createHolidayCalendar(rows: readonly HolidayRow[]): HolidayCalendar {
  const byCode = new Map<string, ClosingHoliday[]>()
  for (const row of rows) {
    const holidays = byCode.get(row.jurisdictionCode) ?? []
    byCode.set(row.jurisdictionCode, holidays)
    const closing = compileRow(row)
    if (closing) holidays.push(closing)
  }
  const memo = new Map<string, ReadonlyMap<CalendarDate, string>>()
  return {
    closuresIn(code, year) {
      const key = `${code}:${year}`
      let closures = memo.get(key)
      if (!closures) {
        const holidays = byCode.get(code)
        if (!holidays) throw new Error(`No holiday calendar for jurisdiction "${code}"`)
        closures = closuresOf(holidays, year)
        memo.set(key, closures)
      }
      return closures
    },
  }
}

export async function loadHolidayCalendar(path: string | URL = STATE_HOLIDAYS_CSV): Promise<HolidayCalendar> {
  return createHolidayCalendar(parseHolidayCsv(await readFile(path, 'utf8')))
}

/**
 * Whether the row's holiday stops the records-law clock of its jurisdiction (see the header).
 * Throws on a notes tag the table's documentation does not define.
 */
export function stopsClock(row: HolidayRow): boolean {
  const tag = NOTE_TAG.exec(row.notes)?.[1]?.trim()
  if (tag === undefined) {
    return !UNTAGGED_REGIONAL_ROWS.some((r) => r.jurisdictionCode === row.jurisdictionCode && r.rule === row.rule)
  }
  if (tag.startsWith('offices open')) return COUNTS_HOLIDAYS_REGARDLESS_OF_CLOSURE.has(row.jurisdictionCode)
  if (tag.startsWith('half day') || tag.startsWith('regional')) return false
  throw new Error(`Unknown notes tag [${tag}]`)
}

function compileRow(row: HolidayRow): ClosingHoliday | null {
  try {
    const holiday = compileHoliday(row.rule, row.observance)
    return stopsClock(row) ? { reason: `${row.holidayName} (${primaryCitation(row.statute)})`, holiday } : null
  } catch (error) {
    throw new Error(`state-holidays.csv ${row.jurisdictionCode} "${row.holidayName}": ${(error as Error).message}`, { cause: error })
  }
}

function closuresOf(holidays: readonly ClosingHoliday[], year: number): ReadonlyMap<CalendarDate, string> {
  const closures = new Map<CalendarDate, string>()
  for (const { reason, holiday } of holidays) {
    // Observance can carry a holiday across New Year (Saturday, January 1 → Friday, December 31).
    const observed = [year - 1, year, year + 1].flatMap((y) => holiday.datesIn(y))
    for (const date of observed.filter((d) => d.startsWith(`${year}-`))) {
      const other = closures.get(date)
      closures.set(date, other === undefined ? reason : `${other}; ${reason}`)
    }
  }
  return new Map([...closures].sort(([a], [b]) => (a < b ? -1 : 1)))
}

/**
 * The first citation of the statute column, without its gloss: "Tex. Gov't Code 662.003-662.004;
 * 552.0031 (Public Information Act business days)" → "Tex. Gov't Code 662.003-662.004".
 */
function primaryCitation(statute: string): string {
  return statute.split(/;| \(/)[0]?.trim() || statute
}
