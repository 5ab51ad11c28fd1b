import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { signedIn } from '../../http/access.js'
import { problemResponses } from '../../http/problem.js'
import { documentParams } from '../documents/documents.schemas.js'
import { addRedactionsBody, redactionListSchema, redactionParams, suggestionsSchema } from './privacy.schemas.js'
import * as privacy from './privacy.service.js'

export const privacyRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/v1/documents/:id/pii', {
      config: { access: 'user' },
      schema: {
        tags: ['documents'],
        summary:
          'Suggested redactions: residents’ emails, phone numbers, addresses, plates and names (requester or admin; never applied by themselves)',
        params: documentParams,
        response: { 200: suggestionsSchema, ...problemResponses },
      },
      handler: async (request) => privacy.suggestRedactions(ctx, signedIn(request), request.params.id),
    })

    app.get('/v1/documents/:id/redactions', {
      config: { access: 'user' },
      schema: {
        tags: ['documents'],
        summary: 'The document’s redactions (requester or admin)',
        params: documentParams,
        response: { 200: redactionListSchema, ...problemResponses },
      },
      handler: async (request) => privacy.listRedactions(ctx, signedIn(request), request.params.id),
    })

    app.post('/v1/documents/:id/redactions', {
      config: { access: 'user' },
      schema: {
        tags: ['documents'],
        summary:
          'Redact texts on pages: burned into the public file’s pixels and taken out of the public text and search (requester or admin)',
        description:
          'Each item takes every occurrence of its text on its page out of the public text and search at once, and out of the public file once the worker has burned it in: until then the document\'s renditionStatus is "pending", and its /file and publishing answer 409 (usually for well under a minute). Answers every redaction of the document. A text not on its page is refused (422), with the others.',
        params: documentParams,
        body: addRedactionsBody,
        response: { 201: redactionListSchema, ...problemResponses },
      },
      handler: async (request, reply) =>
        reply.code(201).send(await privacy.addRedactions(ctx, signedIn(request), request.params.id, request.body.items)),
    })

    app.delete('/v1/documents/:id/redactions/:redactionId', {
      config: { access: 'user' },
      schema: {
        tags: ['documents'],
        summary: 'Undo a redaction (requester or admin)',
        params: redactionParams,
        response: { 204: z.undefined(), ...problemResponses },
      },
      handler: async (request, reply) => {
        await privacy.removeRedaction(ctx, signedIn(request), request.params.id, request.params.redactionId)
        return reply.code(204).send()
      },
    })
  }
