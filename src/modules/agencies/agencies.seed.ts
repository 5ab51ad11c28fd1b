import { readFile } from 'node:fs/promises'
import type { Executor } from '../../db/client.js'
import { upsertAgencies } from './agencies.repository.js'
import { approvedEmailColumns } from './agencies.service.js'
import { parseAgencyCsv, toAgencyValues } from './agency-csv.js'

export const RING_AGENCIES_CSV = new URL('../../../data/ring-agencies.csv', import.meta.url)

/** Adds the Ring partner agencies that are not there yet; never overwrites edits made since. */
export async function seedRingAgencies(db: Executor): Promise<number> {
  const { rows, rejected } = parseAgencyCsv(await readFile(RING_AGENCIES_CSV, 'utf8'), { ringPartner: true })
  if (rejected.length > 0) throw new Error(`ring-agencies.csv has invalid rows: ${JSON.stringify(rejected.slice(0, 5))}`)
  // The seed's addresses are curated with the code, so they are approved.
  const seededAt = new Date()
  const values = rows.map(toAgencyValues).map((row) => ({ ...row, ...approvedEmailColumns(row.email ?? null, null, seededAt) }))
  const { created } = await upsertAgencies(db, values, { insertOnly: true })
  return created
}
