import { parse } from 'csv-parse/sync'
import { readFile } from 'node:fs/promises'
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Executor } from '../../db/client.js'
import { jurisdictions } from '../../db/schema/index.js'
import { STATE_TIMEZONES } from './state-timezones.js'

export const RECORDS_LAWS_CSV = new URL('../../../data/records-laws.csv', import.meta.url)

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

export function parseRecordsLaws(csvText: string): JurisdictionRow[] {
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
  const rows = parseRecordsLaws(csvText ?? (await readFile(RECORDS_LAWS_CSV, 'utf8')))
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
      },
    })
  return rows.length
}
