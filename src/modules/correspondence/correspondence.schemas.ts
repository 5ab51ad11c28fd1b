import { z } from 'zod'
import { MESSAGE_KINDS } from '../../db/schema/messages.js'
import { paginationQuery } from '../../http/pagination.js'

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
    direction: z.enum(['outbound', 'inbound']),
    kind: z.enum(MESSAGE_KINDS),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    subject: z.string(),
    text: z.string().describe('Plain text; an HTML-only message is converted to text, never served as markup'),
    sentAt: z.string().nullable().describe('Outbound: when the mail server accepted it; inbound: when it was received'),
    messageId: z.string().describe('The RFC 5322 Message-ID, without angle brackets'),
    inReplyTo: z.string().nullable(),
    documentIds: z.array(z.uuid()).describe('Documents that came with it (its attachments)'),
    authentication: authenticationSchema.nullable().describe('Inbound only: DKIM, SPF and DMARC as checked on arrival'),
    delivery: z
      .object({ status: z.enum(['scheduled', 'sending', 'sent', 'failed', 'cancelled']), error: z.string().nullable() })
      .nullable()
      .describe('Outbound only: the state of its delivery'),
    suggestion: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('Inbound only: what the text suggests (status, fee, tracking number); never applied by itself'),
    notes: z.array(z.string()).describe('Inbound only: what became of its attachments (kept, or not and why)'),
    read: z.boolean().describe('Inbound: the requester has read it; outbound: always true'),
  })
  .meta({ id: 'Message' })

export const messageListQuery = z.object(paginationQuery)

export const inboundAcceptedSchema = z.object({
  id: z.uuid().describe('The stored raw message'),
  requestId: z
    .uuid()
    .nullable()
    .describe(
      'Always null here: matching runs in the background after the message is stored; the message then appears in its request’s thread or in GET /v1/inbound/unmatched',
    ),
  duplicate: z.boolean().describe('The same bytes were accepted before; nothing new was stored'),
})

export const assignBody = z.strictObject({ requestId: z.uuid() })
export const messageParams = z.object({ id: z.uuid() })
export const readResponse = z.object({
  read: z.number().int().describe('Messages marked read by this call'),
  unreadMessages: z.number().int(),
})
