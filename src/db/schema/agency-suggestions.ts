import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { agencies } from './agencies.js'
import { id, inList } from './columns.js'
import { messages } from './messages.js'
import { users } from './users.js'

export const SUGGESTION_STATUSES = ['pending', 'accepted', 'rejected'] as const
/** member: someone suggested it; reply: the agency answered a request from an address it does not list. */
export const SUGGESTION_SOURCES = ['member', 'reply'] as const

/**
 * A suggested correction of an agency's contacts, waiting for an administrator. Nothing of it is
 * used (nor shown publicly) until accepted; accepting copies its non-null fields onto the agency.
 */
export const agencySuggestions = pgTable(
  'agency_suggestions',
  {
    id: id(),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'cascade' }),
    status: text('status', { enum: SUGGESTION_STATUSES }).notNull().default('pending'),
    source: text('source', { enum: SUGGESTION_SOURCES }).notNull(),
    /** Null for suggestions drawn from replies (and if the account is gone). */
    suggestedBy: uuid('suggested_by').references(() => users.id, { onDelete: 'set null' }),
    /** The reply a `reply` suggestion was drawn from. */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    email: text('email'),
    portalUrl: text('portal_url'),
    mailingAddress: text('mailing_address'),
    phone: text('phone'),
    /** Where the suggester found it, or why. */
    note: text('note'),
    reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    /** Millisecond precision: the review queue pages on it. */
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    index('agency_suggestions_status_created_idx').on(table.status, table.createdAt, table.id),
    index('agency_suggestions_agency_idx').on(table.agencyId, table.createdAt),
    // One suggestion per address seen in replies, whatever became of it: a rejected address does not come back.
    uniqueIndex('agency_suggestions_reply_email_key').on(table.agencyId, sql`lower(${table.email})`).where(sql`source = 'reply'`),
    check('agency_suggestions_status_check', sql.raw(`status in (${inList(SUGGESTION_STATUSES)})`)),
    check('agency_suggestions_source_check', sql.raw(`source in (${inList(SUGGESTION_SOURCES)})`)),
    check('agency_suggestions_something_check', sql`coalesce(email, portal_url, mailing_address, phone) is not null`),
  ],
)
