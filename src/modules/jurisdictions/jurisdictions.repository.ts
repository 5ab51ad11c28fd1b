import { asc, eq, inArray } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { jurisdictions } from '../../db/schema/index.js'
import type { Jurisdiction } from './jurisdiction.js'

const columns = {
  code: jurisdictions.code,
  name: jurisdictions.name,
  lawName: jurisdictions.lawName,
  citation: jurisdictions.citation,
  responseDays: jurisdictions.responseDays,
  dayType: jurisdictions.dayType,
  extensionDays: jurisdictions.extensionDays,
  responseRuleText: jurisdictions.responseRuleText,
  appealProcess: jurisdictions.appealProcess,
  feeNotes: jurisdictions.feeNotes,
  timezone: jurisdictions.timezone,
  clocks: jurisdictions.clocks,
}

export async function listJurisdictions(db: Executor): Promise<Jurisdiction[]> {
  return db.select(columns).from(jurisdictions).orderBy(asc(jurisdictions.name))
}

export async function findJurisdiction(db: Executor, code: string): Promise<Jurisdiction | null> {
  const [row] = await db.select(columns).from(jurisdictions).where(eq(jurisdictions.code, code))
  return row ?? null
}

/** The jurisdictions with these codes, by code. */
export async function findJurisdictions(db: Executor, codes: readonly string[]): Promise<Map<string, Jurisdiction>> {
  if (codes.length === 0) return new Map()
  const rows = await db
    .select(columns)
    .from(jurisdictions)
    .where(inArray(jurisdictions.code, [...codes]))
  return new Map(rows.map((row) => [row.code, row]))
}
