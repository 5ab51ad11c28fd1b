import { sql } from 'drizzle-orm'
import { check, date, index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { EVENT_TYPES, REQUEST_STATUSES, SYSTEM_EVENT_TYPES } from '../../modules/requests/request-status.js'
import { createdAt, id, inList } from './columns.js'
import { requests } from './requests.js'
import { users } from './users.js'

const TIMELINE_EVENT_TYPES = [...SYSTEM_EVENT_TYPES, ...EVENT_TYPES]

export const requestEvents = pgTable(
  'request_events',
  {
    id: id(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    type: text('type', { enum: TIMELINE_EVENT_TYPES as [string, ...string[]] }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    note: text('note'),
    extensionDays: integer('extension_days'),
    newDueDate: date('new_due_date', { mode: 'string' }),
    amount: numeric('amount', { precision: 12, scale: 2 }),
    statusBefore: text('status_before', { enum: REQUEST_STATUSES }),
    statusAfter: text('status_after', { enum: REQUEST_STATUSES }).notNull(),
    /** deadline_changed: the due date before the change (null when there was none). */
    dueDateBefore: date('due_date_before', { mode: 'string' }),
    dueDateAfter: date('due_date_after', { mode: 'string' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    index('request_events_request_idx').on(table.requestId, table.occurredAt, table.createdAt),
    check('request_events_type_check', sql.raw(`type in (${inList(TIMELINE_EVENT_TYPES)})`)),
    check('request_events_extension_days_check', sql`extension_days is null or extension_days between 1 and 365`),
  ],
)
