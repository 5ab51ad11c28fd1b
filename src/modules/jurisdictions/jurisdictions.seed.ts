import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Executor } from '../../db/client.js'
import { jurisdictions } from '../../db/schema/index.js'
import { isCalendarDate } from '../deadlines/calendar-date.js'
import { assertNoOverlaps, type LawClock, lawClockRow, toLawClock } from '../deadlines/law-clocks.js'
import { seedClosures } from './jurisdiction-closures.repository.js'
import { STATE_TIMEZONES } from './state-timezones.js'

export const RECORDS_LAWS_CSV = new URL('../../../data/records-laws.csv', import.meta.url)
export const RECORDS_LAW_CLOCKS_CSV = new URL('../../../data/records-law-clocks.csv', import.meta.url)
export const JURISDICTION_CLOSURES_CSV = new URL('../../../data/jurisdiction-closures.csv', import.meta.url)

const closureRow = z.object({
  jurisdiction_code: z.string().regex(/^[A-Z]{2}$/),
  date: z.string().refine(isCalendarDate, 'must be YYYY-MM-DD'),
  name: z.string().trim().min(1),
  confidence: z.enum(['high', 'medium', 'low']),
  source: z.string().trim().min(1, 'every closure cites its source'),
  notes: z.string(),
})

/** data/jurisdiction-closures.csv: designated and proclaimed closure days, by date. */
export function parseJurisdictionClosures(csvText: string) {
  const records: unknown[] = parse(csvText, { columns: true, skip_empty_lines: true, bom: true })
  return records.map((record, index) => {
    const parsed = closureRow.safeParse(record)
    if (!parsed.success) throw new Error(`jurisdiction-closures.csv line ${index + 2}: ${z.prettifyError(parsed.error)}`)
    const row = parsed.data
    return { jurisdictionCode: row.jurisdiction_code, date: row.date, reason: row.name, source: row.source }
  })
}

export async function seedJurisdictionClosures(db: Executor): Promise<number> {
  const rows = parseJurisdictionClosures(await readFile(JURISDICTION_CLOSURES_CSV, 'utf8'))
  await seedClosures(db, rows)
  return rows.length
}

const optionalInt = z
  .string()
  .regex(/^\s*\d*\s*$/, 'must be a whole number or empty')
  .transform((value) => (value.trim() === '' ? null : Number(value)))

const recordsLawRow = z.object({
  jurisdiction_code: z.string().regex(/^[A-Z]{2}$/),
  jurisdiction_name: z.string().min(1),
  law_name: z.string().min(1),
  statute_citation: z.string().min(1),
  response_days: optionalInt,
  day_type: z.enum(['business', 'calendar', 'none']),
  response_rule_text: z.string(),
  extension_days: optionalInt,
  appeal_body_or_process: z.string(),
  fee_notes: z.string(),
  source: z.string(),
  notes: z.string(),
})

export type JurisdictionRow = typeof jurisdictions.$inferInsert

/** Each jurisdiction's clocks from records-law-clocks.csv; throws naming the first bad row. */
export function parseLawClocks(csvText: string): Map<string, LawClock[]> {
  const records: unknown[] = parse(csvText, { columns: true, skip_empty_lines: true, bom: true })
  const byCode = new Map<string, LawClock[]>()
  records.forEach((record, index) => {
    const parsed = lawClockRow.safeParse(record)
    if (!parsed.success) throw new Error(`records-law-clocks.csv line ${index + 2}: ${z.prettifyError(parsed.error)}`)
    const clocks = byCode.get(parsed.data.jurisdiction_code) ?? []
    clocks.push(toLawClock(parsed.data))
    byCode.set(parsed.data.jurisdiction_code, clocks)
  })
  for (const [code, clocks] of byCode) assertNoOverlaps(code, clocks)
  return byCode
}

/**
 * The records laws with their clocks. The response period still in force (records-law-clocks.csv,
 * no effective_to) must be the one records-laws.csv states, so the two tables cannot drift apart.
 */
export function parseRecordsLaws(csvText: string, clocksText: string): JurisdictionRow[] {
  const clocks = parseLawClocks(clocksText)
  const rows = parseLawRows(csvText).map((row) => ({ ...row, clocks: clocks.get(row.code) ?? [] }))
  const codes = new Set(rows.map((row) => row.code))
  for (const code of clocks.keys()) if (!codes.has(code)) throw new Error(`records-law-clocks.csv: ${code} is not in records-laws.csv`)
  for (const row of rows) {
    const current = row.clocks.find((clock) => clock.drivesDueDate && clock.effectiveTo === null)
    if (current && (current.days !== (row.responseDays ?? null) || current.dayType !== (row.dayType ?? null))) {
      throw new Error(`records-law-clocks.csv: ${row.code}'s current response period disagrees with records-laws.csv`)
    }
  }
  return rows
}

function parseLawRows(csvText: string): JurisdictionRow[] {
  const records: unknown[] = parse(csvText, { columns: true, skip_empty_lines: true, bom: true })
  return records.map((record, index) => {
    const row = recordsLawRow.parse(record, { error: () => `records-laws.csv row ${index + 2} is invalid` })
    const timezone = STATE_TIMEZONES[row.jurisdiction_code]
    if (!timezone) throw new Error(`records-laws.csv: no time zone known for ${row.jurisdiction_code}`)
    const fixedPeriod = row.day_type !== 'none' && row.response_days !== null
    return {
      code: row.jurisdiction_code,
      name: row.jurisdiction_name,
      lawName: row.law_name,
      citation: row.statute_citation,
      responseDays: fixedPeriod ? row.response_days : null,
      dayType: fixedPeriod && row.day_type !== 'none' ? row.day_type : null,
      extensionDays: row.extension_days,
      responseRuleText: row.response_rule_text,
      appealProcess: row.appeal_body_or_process,
      feeNotes: row.fee_notes,
      timezone,
      sources: row.source,
      notes: row.notes,
    }
  })
}

/** Inserts or refreshes every jurisdiction from the records-laws table; safe to run on every start. */
export async function seedJurisdictions(db: Executor, csvText?: string): Promise<number> {
  const [lawsText, clocksText] = await Promise.all([
    csvText ?? readFile(RECORDS_LAWS_CSV, 'utf8'),
    readFile(RECORDS_LAW_CLOCKS_CSV, 'utf8'),
  ])
  const rows = parseRecordsLaws(lawsText, clocksText)
  await db
    .insert(jurisdictions)
    .values(rows)
    .onConflictDoUpdate({
      target: jurisdictions.code,
      set: {
        name: sql`excluded.name`,
        lawName: sql`excluded.law_name`,
        citation: sql`excluded.citation`,
        responseDays: sql`excluded.response_days`,
        dayType: sql`excluded.day_type`,
        extensionDays: sql`excluded.extension_days`,
        responseRuleText: sql`excluded.response_rule_text`,
        appealProcess: sql`excluded.appeal_process`,
        feeNotes: sql`excluded.fee_notes`,
        timezone: sql`excluded.timezone`,
        sources: sql`excluded.sources`,
        notes: sql`excluded.notes`,
        clocks: sql`excluded.clocks`,
      },
    })
  return rows.length
}
