import { z } from 'zod'
import { paginationQuery } from '../../http/pagination.js'

export { messageSchema } from './message-view.js'

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
