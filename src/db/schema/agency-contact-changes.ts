import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { agencies } from './agencies.js'
import { agencySuggestions } from './agency-suggestions.js'
import { id, inList } from './columns.js'
import { users } from './users.js'

export const CONTACT_FIELDS = ['email', 'portalUrl', 'mailingAddress', 'phone'] as const
export const CONTACT_CHANGE_SOURCES = ['suggestion', 'edit', 'import'] as const

/** Every change of an agency's contact fields: what it was, what it became, who and why. Append-only. */
export const agencyContactChanges = pgTable(
  'agency_contact_changes',
  {
    id: id(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'cascade' }),
    field: text('field', { enum: CONTACT_FIELDS }).notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    source: text('source', { enum: CONTACT_CHANGE_SOURCES }).notNull(),
    suggestionId: uuid('suggestion_id').references(() => agencySuggestions.id, { onDelete: 'set null' }),
    changedBy: uuid('changed_by').references(() => users.id, { onDelete: 'set null' }),
    changedAt: timestamp('changed_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    index('agency_contact_changes_agency_idx').on(table.agencyId, table.changedAt, table.id),
    check('agency_contact_changes_field_check', sql.raw(`field in (${inList(CONTACT_FIELDS)})`)),
    check('agency_contact_changes_source_check', sql.raw(`source in (${inList(CONTACT_CHANGE_SOURCES)})`)),
  ],
)
