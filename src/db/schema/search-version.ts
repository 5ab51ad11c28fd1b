import { sql } from 'drizzle-orm'
import { bigint, check, integer, pgTable } from 'drizzle-orm/pg-core'

/**
 * One row: a number that triggers (migration 0006) raise whenever what search could answer changes.
 * Cached search results are keyed by it.
 */
export const searchVersion = pgTable(
  'search_version',
  {
    id: integer('id').primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  () => [check('search_version_single_row', sql`id = 1`)],
)
