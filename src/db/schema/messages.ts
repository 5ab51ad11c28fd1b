import { sql } from 'drizzle-orm'
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { InboundSuggestion } from '../../modules/correspondence/classify.js'
import { id, inList } from './columns.js'
import { deliveries } from './deliveries.js'
import { inboundMail } from './inbound-mail.js'
import { requests } from './requests.js'

export const MESSAGE_DIRECTIONS = ['outbound', 'inbound'] as const
/** outbound: letter, follow_up, message (the requester writing from the service); inbound: reply, auto_reply, bounce. */
export const MESSAGE_KINDS = ['letter', 'follow_up', 'message', 'reply', 'auto_reply', 'bounce'] as const

/** DKIM, SPF and DMARC results of an inbound message, as mailauth reports them ("pass", "fail", "none", …). */
export interface MessageAuthentication {
  dkim: string
  spf: string
  dmarc: string
}

/**
 * One email between the service and an agency, either direction, in its request's thread.
 * Outbound messages point at the delivery that sends them (its status is the message's delivery
 * state); inbound messages at the raw mail they were read from. request_id is null while an inbound
 * message matches no request (an admin assigns it).
 */
export const messages = pgTable(
  'messages',
  {
    id: id(),
    requestId: uuid('request_id').references(() => requests.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: MESSAGE_DIRECTIONS }).notNull(),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
    fromAddress: text('from_address').notNull(),
    toAddresses: jsonb('to_addresses').$type<string[]>().notNull().default([]),
    ccAddresses: jsonb('cc_addresses').$type<string[]>().notNull().default([]),
    subject: text('subject').notNull(),
    /** Plain text only; HTML parts are converted to text and never stored or served as markup. */
    text: text('text').notNull(),
    /** The RFC 5322 Message-ID without angle brackets. */
    messageId: text('message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    references: jsonb('references').$type<string[]>().notNull().default([]),
    /** outbound: when the delivery was accepted by the SMTP server; inbound: when it was received. */
    sentAt: timestamp('sent_at', { withTimezone: true, precision: 3 }),
    /** outbound only: the request's documents attached to the email (the requester's choice), in order. */
    attachmentDocumentIds: jsonb('attachment_document_ids').$type<string[]>().notNull().default([]),
    deliveryId: uuid('delivery_id').references(() => deliveries.id, { onDelete: 'set null' }),
    /** inbound only: the raw message's row (see the inbound module). */
    inboundMailId: uuid('inbound_mail_id').references(() => inboundMail.id, { onDelete: 'set null' }),
    authentication: jsonb('authentication').$type<MessageAuthentication>(),
    /** inbound only: what the text suggests (status, fee amount, tracking number); never applied by itself. */
    suggestion: jsonb('suggestion').$type<InboundSuggestion>(),
    /** inbound only: what became of parts of the message that are not in `text` (attachments not kept, and why). */
    notes: jsonb('notes').$type<string[]>().notNull().default([]),
    /** inbound only: when the request's owner first read it. */
    readAt: timestamp('read_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('messages_request_message_id_key').on(table.requestId, table.messageId),
    index('messages_request_created_idx').on(table.requestId, table.createdAt, table.id),
    index('messages_message_id_idx').on(table.messageId),
    index('messages_unmatched_idx').on(table.createdAt).where(sql`request_id is null`),
    uniqueIndex('messages_delivery_key').on(table.deliveryId),
    check('messages_direction_check', sql.raw(`direction in (${inList(MESSAGE_DIRECTIONS)})`)),
    check('messages_kind_check', sql.raw(`kind in (${inList(MESSAGE_KINDS)})`)),
  ],
)
