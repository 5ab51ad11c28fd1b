import { sql } from 'drizzle-orm'
import { check, date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { RECIPIENTS, REMINDER_KINDS } from '../../modules/deliveries/reminder-plan.js'
import { createdAt, id, inList, updatedAt } from './columns.js'
import { requests } from './requests.js'

/**
 * Every email the service sends: the reminders (kinds and recipients as reminder-plan.ts defines
 * them), the letter to the agency, the requester's messages to the agency (`message`), and notices
 * to the requester. deadline_moved tells the requester a jurisdiction closure moved their due date
 * (about_id: the timeline event); requester_copy gives them a copy of an email sent to the agency on
 * their behalf (about_id: that delivery); agency_replied tells them the agency answered (about_id:
 * the inbound message).
 */
export const DELIVERY_KINDS = [
  ...REMINDER_KINDS,
  'letter',
  'message',
  'delivery_failed',
  'deadline_moved',
  'requester_copy',
  'agency_replied',
] as const
/** `sending` is a claimed row: a worker is delivering it now (or died doing so; see claimed_at). */
export const DELIVERY_STATUSES = ['scheduled', 'sending', 'sent', 'cancelled', 'failed'] as const

/**
 * Every email the service owes someone. The row is the truth; queue jobs only wake a worker at
 * send_at. A worker claims a row (status scheduled → sending) before sending and marks it sent after.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: id(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: DELIVERY_KINDS }).notNull(),
    recipient: text('recipient', { enum: RECIPIENTS }).notNull(),
    sequence: integer('sequence').notNull().default(0),
    /** The due date this reminder was planned for; a moved deadline plans new ones. */
    dueDate: date('due_date', { mode: 'string' }),
    sendAt: timestamp('send_at', { withTimezone: true, precision: 3 }).notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('scheduled'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** delivery_failed: the delivery that failed; deadline_moved: the timeline event; requester_copy: the delivery copied; agency_replied: the message. */
    aboutId: uuid('about_id'),
    /**
     * A requester's reminder sent inside another reminder's digest email: that reminder's delivery.
     * Set when the digest claims this row and kept as the record; the digest's send settles it.
     */
    digestOf: uuid('digest_of'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('deliveries_request_kind_recipient_sequence_key').on(table.requestId, table.kind, table.recipient, table.sequence),
    index('deliveries_due_idx').on(table.sendAt).where(sql`status = 'scheduled'`),
    index('deliveries_claimed_idx').on(table.claimedAt).where(sql`status = 'sending'`),
    index('deliveries_digest_of_idx').on(table.digestOf).where(sql`digest_of is not null`),
    check('deliveries_kind_check', sql.raw(`kind in (${inList(DELIVERY_KINDS)})`)),
    check('deliveries_recipient_check', sql.raw(`recipient in (${inList(RECIPIENTS)})`)),
    check('deliveries_status_check', sql.raw(`status in (${inList(DELIVERY_STATUSES)})`)),
  ],
)
