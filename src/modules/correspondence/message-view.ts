import { z } from 'zod'
import { DELIVERY_STATUSES } from '../../db/schema/deliveries.js'
import { MESSAGE_DIRECTIONS, MESSAGE_KINDS } from '../../db/schema/messages.js'
import { SUGGESTED_EVENTS } from './classify.js'
import type { MessageListRow } from './messages.repository.js'

/** A message of a request's thread, as the API shows it (see API.md "Correspondence with the agency"). */
const authenticationSchema = z
  .object({
    dkim: z.string().describe('"pass", "fail", "none", "temperror", …'),
    spf: z.string().describe('"pass", "fail", "softfail", "neutral", "none" (no client address: mail posted over HTTP or read by IMAP), …'),
    dmarc: z.string().describe('"pass", "fail", "none", …'),
  })
  .meta({ id: 'MessageAuthentication' })

export const messageSchema = z
  .object({
    id: z.uuid(),
    requestId: z.uuid().nullable().describe('null while an inbound message matches no request (GET /v1/inbound/unmatched)'),
    direction: z.enum(MESSAGE_DIRECTIONS),
    kind: z.enum(MESSAGE_KINDS),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    subject: z.string(),
    text: z.string().describe('Plain text; an HTML-only message is converted to text, never served as markup'),
    sentAt: z.string().nullable().describe('Outbound: when the mail server accepted it; inbound: when it was received'),
    messageId: z.string().describe('The RFC 5322 Message-ID, without angle brackets'),
    inReplyTo: z.string().nullable(),
    documentIds: z.array(z.uuid()).describe('Outbound: the request’s documents attached; inbound: the documents made from its attachments'),
    authentication: authenticationSchema.nullable().describe('Inbound only: DKIM, SPF and DMARC as checked on arrival'),
    delivery: z
      .object({ status: z.enum(DELIVERY_STATUSES), error: z.string().nullable() })
      .nullable()
      .describe('Outbound only: the state of its delivery'),
    suggestion: z
      .object({
        event: z.enum(SUGGESTED_EVENTS).optional().describe('The event the requester would log to confirm it'),
        feeAmount: z.string().optional().describe('With fee_requested: the amount, e.g. "1250.00"'),
        trackingNumber: z.string().optional(),
      })
      .nullable()
      .describe('Inbound only: what the text suggests (status, fee, tracking number); never applied by itself'),
    notes: z.array(z.string()).describe('Inbound only: what became of its attachments (kept, or not and why)'),
    read: z.boolean().describe('Inbound: the requester has read it; outbound: always true'),
  })
  .meta({ id: 'Message' })

export type MessageView = z.infer<typeof messageSchema>

/** A message as the API shows it: its documents and, outbound, the state of the delivery carrying it. */
export function toMessage(row: MessageListRow): MessageView {
  return {
    id: row.id,
    requestId: row.requestId,
    direction: row.direction,
    kind: row.kind,
    from: row.fromAddress,
    to: row.toAddresses,
    cc: row.ccAddresses,
    subject: row.subject,
    text: row.text,
    sentAt: row.sentAt?.toISOString() ?? null,
    messageId: row.messageId,
    inReplyTo: row.inReplyTo,
    documentIds: row.documentIds,
    authentication: row.direction === 'inbound' ? (row.authentication ?? null) : null,
    delivery:
      row.direction === 'outbound' && row.deliveryStatus
        ? { status: row.deliveryStatus as (typeof DELIVERY_STATUSES)[number], error: row.deliveryError }
        : null,
    suggestion: row.suggestion ?? null,
    notes: row.notes,
    read: row.direction === 'outbound' || row.readAt !== null,
  }
}
