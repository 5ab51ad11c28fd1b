import { integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { agencies } from './agencies.js'
import { id } from './columns.js'

/**
 * Addresses an agency's replies came from that the agency does not list: a records clerk's own
 * address, a records system's; never used to send. Those that may be the agency's own also become
 * pending contact suggestions (agency-suggestions.ts, agencies/contact-domain.ts).
 */
export const agencyObservedAddresses = pgTable(
  'agency_observed_addresses',
  {
    id: id(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'cascade' }),
    /** Lower-cased. */
    address: text('address').notNull(),
    /** Replies seen from it. */
    seenCount: integer('seen_count').notNull().default(1),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('agency_observed_addresses_agency_address_key').on(table.agencyId, table.address)],
)
