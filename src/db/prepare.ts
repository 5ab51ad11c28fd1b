import type { AppContext } from '../context.js'
import { migrateDatabase } from './migrate.js'
import { seedDatabase } from './seed.js'

/** Migrates, then (unless SEED_ON_START=false) seeds reference data; both are idempotent. */
export async function prepareDatabase(ctx: Pick<AppContext, 'db' | 'logger' | 'config'>): Promise<void> {
  await migrateDatabase(ctx.config.databaseUrl)
  if (ctx.config.seedOnStart) {
    const seeded = await seedDatabase(ctx.db)
    ctx.logger.info(seeded, 'reference data seeded')
  }
}
