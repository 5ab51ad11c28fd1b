import { sql } from 'drizzle-orm'
import { seedRingAgencies } from '../modules/agencies/agencies.seed.js'
import { seedJurisdictionClosures, seedJurisdictions } from '../modules/jurisdictions/jurisdictions.seed.js'
import type { Database } from './client.js'

// Two processes starting at once (API and worker) must not seed concurrently.
const SEED_LOCK_KEY = 7_201_002

export async function seedDatabase(db: Database): Promise<{ jurisdictions: number; agenciesCreated: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`)
    const jurisdictions = await seedJurisdictions(tx)
    await seedJurisdictionClosures(tx)
    const agenciesCreated = await seedRingAgencies(tx)
    return { jurisdictions, agenciesCreated }
  })
}
