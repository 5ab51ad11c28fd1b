import { sql } from 'drizzle-orm'
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { id, inList, updatedAt } from './columns.js'

export const INBOUND_VIAS = ['smtp', 'imap', 'http'] as const
/** pending: stored, waiting for (or in) its ingest job; ingested: read into a message; failed: unreadable for good (bytes kept). */
export const INBOUND_MAIL_STATUSES = ['pending', 'ingested', 'failed'] as const

/** The envelope a door saw, kept with the raw message (see InboundEnvelope). */
export interface StoredEnvelope {
  mailFrom: string | null
  rcptTo: string[]
  remoteAddress: string | null
}

/**
 * Every raw message any door accepted, content-addressed in storage under `sha256`. The row is
 * written before the door answers, so it is the truth about what was accepted; the ingest job only
 * wakes the worker, and the worker's reconciliation queues pending rows again when Redis lost them.
 * The same bytes accepted twice are one row.
 */
export const inboundMail = pgTable(
  'inbound_mail',
  {
    id: id(),
    sha256: text('sha256').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    via: text('via', { enum: INBOUND_VIAS }).notNull(),
    envelope: jsonb('envelope').$type<StoredEnvelope>().notNull(),
    status: text('status', { enum: INBOUND_MAIL_STATUSES }).notNull().default('pending'),
    /** Ingest attempts begun, counted by the database so a worker killed mid-ingest still counts. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    ingestedAt: timestamp('ingested_at', { withTimezone: true, precision: 3 }),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('inbound_mail_sha256_key').on(table.sha256),
    index('inbound_mail_pending_idx').on(table.receivedAt, table.id).where(sql`status = 'pending'`),
    check('inbound_mail_via_check', sql.raw(`via in (${inList(INBOUND_VIAS)})`)),
    check('inbound_mail_status_check', sql.raw(`status in (${inList(INBOUND_MAIL_STATUSES)})`)),
    check('inbound_mail_sha256_check', sql`sha256 ~ '^[0-9a-f]{64}$'`),
  ],
)
