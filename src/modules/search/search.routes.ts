import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { AppContext } from '../../context.js'
import { problemResponses, problemSchema, rateLimitedResponses } from '../../http/problem.js'
import { searchQuery, searchResponse } from './search.schemas.js'
import { search } from './search.service.js'

export const searchRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/v1/search', {
      config: { access: 'public', rateLimited: 'search' },
      schema: {
        tags: ['search'],
        summary: 'Full-text search of the documents’ pages, best first',
        description:
          'Public documents for everyone; with a token, also the caller’s own private ones (administrators: all). `q` takes web-search syntax: words, "exact phrase", -excluded words, or.',
        querystring: searchQuery,
        response: { 200: searchResponse, ...problemResponses, ...rateLimitedResponses, 503: problemSchema },
      },
      handler: async (request) => search(ctx, request.user, request.query),
    })
  }
