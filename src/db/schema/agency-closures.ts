import { date, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { agencies } from './agencies.js'
import { createdAt, id } from './columns.js'

/** Days an agency's office is closed beyond its state's legal holidays; they stop business-day clocks. */
export const agencyClosures = pgTable(
  'agency_closures',
  {
    id: id(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('agency_closures_agency_date_key').on(table.agencyId, table.date)],
)
