import type { Readable } from 'node:stream'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import type { AppContext } from '../../context.js'
import { InvalidInputError, TooLargeError, UnsupportedTypeError } from '../../errors.js'
import { signedIn } from '../../http/access.js'
import { pageSchema } from '../../http/pagination.js'
import { problemResponses } from '../../http/problem.js'
import { requestParams } from '../requests/requests.schemas.js'
import {
  assignBody,
  inboundAcceptedSchema,
  messageListQuery,
  messageParams,
  messageSchema,
  readResponse,
} from './correspondence.schemas.js'
import * as correspondence from './correspondence.service.js'
import { createInboundAcceptor } from './inbound-acceptor.js'
import { InboundEmptyError, InboundTooLargeError } from './inbound-door.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The unread body of a raw message posted to the inbound endpoint (its content type parser leaves it to the handler). */
    rawMessage: Readable | null
  }
}

const RAW_MESSAGE_TYPE = 'message/rfc822'

export const correspondenceRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const accept = createInboundAcceptor(ctx)
    app.decorateRequest('rawMessage', null)
    // The raw message streams to storage from the handler: never parsed, never held in memory.
    app.addContentTypeParser(RAW_MESSAGE_TYPE, (request, payload, done) => {
      request.rawMessage = payload
      done(null)
    })

    app.post('/v1/inbound/messages', {
      config: { access: 'inbound-token', documentedBody: { type: 'string', format: 'binary', description: 'The raw message (RFC 5322)' } },
      schema: {
        tags: ['correspondence'],
        summary: 'Accept one raw email (message/rfc822), for a mail provider’s inbound webhook',
        description:
          'Authorization: Bearer <INBOUND_TOKEN> (404 while INBOUND_TOKEN is not set). Answers 202 once the raw message is stored and recorded; it is matched to its request, read and recorded in the background, so `requestId` is null here. The same bytes posted again answer the same id with `duplicate: true`. At most INBOUND_MAX_BYTES (413 beyond).',
        consumes: [RAW_MESSAGE_TYPE],
        response: { 202: inboundAcceptedSchema, ...problemResponses },
      },
      handler: async (request, reply) => {
        correspondence.assertInboundToken(ctx, request.headers.authorization)
        const raw = request.rawMessage
        if (!raw) {
          throw new UnsupportedTypeError(`Send the raw message with Content-Type: ${RAW_MESSAGE_TYPE}.`, [
            { path: 'headers.content-type', message: `must be ${RAW_MESSAGE_TYPE}` },
          ])
        }
        const { maxBytes } = ctx.config.inbound
        const declared = Number(request.headers['content-length'] ?? Number.NaN)
        if (declared > maxBytes) throw new TooLargeError(`The message is larger than the ${maxBytes} bytes this server accepts.`)
        try {
          const accepted = await accept(raw, { via: 'http', mailFrom: null, rcptTo: [], remoteAddress: null })
          return reply.code(202).send({ id: accepted.id, requestId: null, duplicate: accepted.duplicate })
        } catch (error) {
          if (error instanceof InboundTooLargeError)
            throw new TooLargeError(`The message is larger than the ${error.limitBytes} bytes this server accepts; nothing was kept.`)
          if (error instanceof InboundEmptyError)
            throw new InvalidInputError('The message is empty.', [{ path: 'body', message: 'is empty' }])
          throw error
        }
      },
    })

    app.get('/v1/requests/:id/messages', {
      config: { access: 'public' },
      schema: {
        tags: ['correspondence'],
        summary: 'The request’s thread with the agency, oldest first',
        description:
          'Every email between the service and the agency about the request, both directions. Visible to whoever may see the request.',
        params: requestParams,
        querystring: messageListQuery,
        response: { 200: pageSchema(messageSchema), ...problemResponses },
      },
      handler: async (request) => correspondence.listMessages(ctx, request.user, request.params.id, request.query),
    })

    app.post('/v1/requests/:id/messages/read', {
      config: { access: 'user' },
      schema: {
        tags: ['correspondence'],
        summary: 'Mark the agency’s messages read (the requester only)',
        params: requestParams,
        response: { 200: readResponse, ...problemResponses },
      },
      handler: async (request) => correspondence.markMessagesRead(ctx, signedIn(request), request.params.id),
    })

    app.get('/v1/inbound/unmatched', {
      config: { access: 'admin' },
      schema: {
        tags: ['correspondence'],
        summary: 'Inbound mail that matched no request, newest first (admin)',
        querystring: messageListQuery,
        response: { 200: pageSchema(messageSchema), ...problemResponses },
      },
      handler: async (request) => correspondence.listUnmatched(ctx, request.query),
    })

    app.post('/v1/inbound/unmatched/:id/assign', {
      config: { access: 'admin' },
      schema: {
        tags: ['correspondence'],
        summary: 'Give an unmatched message to a request (admin)',
        description:
          'The message joins the request’s thread, its attachments become documents of the request, and the requester is told as if it had matched on arrival. 409 when it was assigned already or the request has a message with the same Message-ID.',
        params: messageParams,
        body: assignBody,
        response: { 200: messageSchema, ...problemResponses },
      },
      handler: async (request) => correspondence.assignUnmatched(ctx, request.params.id, request.body.requestId),
    })
  }

export type MessageView = z.infer<typeof messageSchema>
