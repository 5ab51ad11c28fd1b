import { date, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.js'
import { jurisdictions } from './jurisdictions.js'

/**
 * Days a whole jurisdiction's offices closed beyond its statutory holidays: a holiday the governor
 * designates each year (data/jurisdiction-closures.csv) or one an admin adds (a proclamation, a
 * storm). They stop business-day clocks of every agency in the jurisdiction.
 */
export const jurisdictionClosures = pgTable(
  'jurisdiction_closures',
  {
    id: id(),
    jurisdictionCode: text('jurisdiction_code')
      .notNull()
      .references(() => jurisdictions.code, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    /** Where the closure is announced (seeded rows cite the official calendar); null when an admin gave none. */
    source: text('source'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('jurisdiction_closures_code_date_key').on(table.jurisdictionCode, table.date)],
)
