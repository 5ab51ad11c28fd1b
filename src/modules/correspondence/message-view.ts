import { z } from 'zod'
import { DELIVERY_STATUSES } from '../../db/schema/deliveries.js'
import { MESSAGE_DIRECTIONS, MESSAGE_KINDS } from '../../db/schema/messages.js'
import type { MessageRow } from './messages.repository.js'

/** A message of a request's thread, as the API shows it (see API.md "Correspondence with the agency"). */
export const messageSchema = z
  .object({
    id: z.uuid(),
    requestId: z.uuid().nullable(),
    direction: z.enum(MESSAGE_DIRECTIONS),
    kind: z.enum(MESSAGE_KINDS),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    subject: z.string(),
    text: z.string().describe('Plain text; never HTML'),
    sentAt: z.string().nullable().describe('Outbound: when the SMTP server accepted it (null until then); inbound: when it was received'),
    messageId: z.string().describe('The RFC 5322 Message-ID, without angle brackets'),
    inReplyTo: z.string().nullable(),
    documentIds: z.array(z.uuid()).describe('Outbound: the request’s documents attached; inbound: the documents made from its attachments'),
    authentication: z
      .object({ dkim: z.string(), spf: z.string(), dmarc: z.string() })
      .nullable()
      .describe('Inbound only: DKIM, SPF and DMARC results'),
    delivery: z
      .object({ status: z.enum(DELIVERY_STATUSES), error: z.string().nullable() })
      .nullable()
      .describe('Outbound only: the state of the email that carries it'),
  })
  .meta({ id: 'Message' })

export type MessageView = z.infer<typeof messageSchema>

export interface MessageDelivery {
  status: (typeof DELIVERY_STATUSES)[number]
  error: string | null
}

/** An outbound message with the state of its delivery. */
export function toOutboundMessage(row: MessageRow, delivery: MessageDelivery): MessageView {
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
    documentIds: row.attachmentDocumentIds,
    authentication: null,
    delivery,
  }
}
