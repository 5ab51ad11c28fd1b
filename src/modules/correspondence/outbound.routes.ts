import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { AppContext } from '../../context.js'
import { signedIn } from '../../http/access.js'
import { problemResponses, rateLimitedResponses } from '../../http/problem.js'
import { requestParams } from '../requests/requests.schemas.js'
import { messageSchema } from './message-view.js'
import { sendMessageBody } from './outbound.schemas.js'
import { sendMessage } from './outbound.service.js'

export const outboundRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/requests/:id/messages', {
      config: { access: 'user', rateLimited: 'sending' },
      schema: {
        tags: ['correspondence'],
        summary: 'Write to the agency (requester only): an email from the request’s reply address, threaded after the latest message',
        description:
          'Answers 202 with the message (delivery "scheduled"); the worker sends it like the letter, with In-Reply-To and References naming the thread’s latest message, the request’s reference in the subject, and the chosen documents attached, and sends the requester a copy. 409 while the request is a draft or when the agency has no approved email address (the answer says how else to reach it); 422 for documents of another request or not ready; 413 when the documents exceed 15 MiB in all. Counts against AGENCY_EMAILS_PER_USER_PER_DAY (429 with Retry-After beyond it).',
        params: requestParams,
        body: sendMessageBody,
        response: { 202: messageSchema, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => reply.code(202).send(await sendMessage(ctx, signedIn(request), request.params.id, request.body)),
    })
  }
