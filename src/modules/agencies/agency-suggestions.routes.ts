import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { AppContext } from '../../context.js'
import { signedIn } from '../../http/access.js'
import { pageSchema } from '../../http/pagination.js'
import { problemResponses, rateLimitedResponses } from '../../http/problem.js'
import { agencyParams } from './agencies.schemas.js'
import {
  contactChangeSchema,
  contactHistoryQuery,
  suggestionBody,
  suggestionListQuery,
  suggestionParams,
  suggestionSchema,
} from './agency-suggestions.schemas.js'
import * as suggestions from './agency-suggestions.service.js'
import { contactHistory } from './contact-history.service.js'

export const agencySuggestionRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/agencies/:id/suggestions', {
      config: { access: 'user', rateLimited: 'agencies' },
      schema: {
        tags: ['agencies'],
        summary: 'Suggest an agency’s records email, portal, mailing address or phone',
        description:
          'Nothing changes until an administrator accepts the suggestion. Counted with new agencies (RATE_LIMIT_AGENCIES_PER_*).',
        params: agencyParams,
        body: suggestionBody,
        response: { 201: suggestionSchema, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) =>
        reply.code(201).send(await suggestions.suggestContacts(ctx, signedIn(request), request.params.id, request.body)),
    })

    app.get('/v1/agency-suggestions', {
      config: { access: 'admin' },
      schema: {
        tags: ['agencies'],
        summary: 'The suggestions of agency contacts, oldest first (admin)',
        description: 'status=pending is the review queue. Suggestions drawn from replies have source "reply".',
        querystring: suggestionListQuery,
        response: { 200: pageSchema(suggestionSchema), ...problemResponses },
      },
      handler: async (request) => suggestions.listSuggestions(ctx.db, request.query),
    })

    app.post('/v1/agency-suggestions/:id/accept', {
      config: { access: 'admin' },
      schema: {
        tags: ['agencies'],
        summary: 'Accept a suggestion: its fields replace the agency’s (admin)',
        description: 'An email address accepted here is approved. 409 when the suggestion was already reviewed.',
        params: suggestionParams,
        response: { 200: suggestionSchema, ...problemResponses },
      },
      handler: async (request) => suggestions.acceptSuggestion(ctx, signedIn(request), request.params.id),
    })

    app.post('/v1/agency-suggestions/:id/reject', {
      config: { access: 'admin' },
      schema: {
        tags: ['agencies'],
        summary: 'Reject a suggestion (admin)',
        description: '409 when the suggestion was already reviewed.',
        params: suggestionParams,
        response: { 200: suggestionSchema, ...problemResponses },
      },
      handler: async (request) => suggestions.rejectSuggestion(ctx, signedIn(request), request.params.id),
    })

    app.get('/v1/agencies/:id/contact-history', {
      config: { access: 'public' },
      schema: {
        tags: ['agencies'],
        summary: 'Every change of the agency’s email, portal, mailing address and phone, newest first',
        params: agencyParams,
        querystring: contactHistoryQuery,
        response: { 200: pageSchema(contactChangeSchema), ...problemResponses },
      },
      handler: async (request) => contactHistory(ctx.db, request.params.id, request.query),
    })
  }
