import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { jurisdictionClosures } from '../../db/schema/index.js'
import type { AgencyClosure } from '../deadlines/business-calendar.js'

export type JurisdictionClosureRow = typeof jurisdictionClosures.$inferSelect

/** Each jurisdiction's closure days, by code (every code asked for has an entry). */
export async function closuresOfJurisdictions(db: Executor, codes: readonly string[]): Promise<Map<string, AgencyClosure[]>> {
  const byCode = new Map<string, AgencyClosure[]>(codes.map((code) => [code, []]))
  if (codes.length === 0) return byCode
  const rows = await db
    .select({ code: jurisdictionClosures.jurisdictionCode, date: jurisdictionClosures.date, reason: jurisdictionClosures.reason })
    .from(jurisdictionClosures)
    .where(inArray(jurisdictionClosures.jurisdictionCode, [...codes]))
    .orderBy(asc(jurisdictionClosures.date))
  for (const { code, date, reason } of rows) byCode.get(code)?.push({ date, reason })
  return byCode
}

export async function listClosures(db: Executor, code: string): Promise<JurisdictionClosureRow[]> {
  return db
    .select()
    .from(jurisdictionClosures)
    .where(eq(jurisdictionClosures.jurisdictionCode, code))
    .orderBy(asc(jurisdictionClosures.date))
}

/** Null when the jurisdiction already has a closure on that date. */
export async function insertClosure(
  db: Executor,
  values: { jurisdictionCode: string; date: string; reason: string; source: string | null },
): Promise<JurisdictionClosureRow | null> {
  const [row] = await db.insert(jurisdictionClosures).values(values).onConflictDoNothing().returning()
  return row ?? null
}

export async function deleteClosure(db: Executor, code: string, date: string): Promise<JurisdictionClosureRow | null> {
  const [row] = await db
    .delete(jurisdictionClosures)
    .where(and(eq(jurisdictionClosures.jurisdictionCode, code), eq(jurisdictionClosures.date, date)))
    .returning()
  return row ?? null
}

/**
 * Adds the seeded closures; a date already there is left as it is. A seeded closure an admin deleted
 * comes back on the next start: correct data/jurisdiction-closures.csv instead.
 */
export async function seedClosures(
  db: Executor,
  rows: ReadonlyArray<{ jurisdictionCode: string; date: string; reason: string; source: string }>,
): Promise<void> {
  if (rows.length > 0)
    await db
      .insert(jurisdictionClosures)
      .values([...rows])
      .onConflictDoNothing()
}
