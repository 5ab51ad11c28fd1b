import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { AppContext } from '../../context.js'
import { problemResponses } from '../../http/problem.js'
import { documentParams } from '../documents/documents.schemas.js'
import { compareParams, compareResponse, similarResponse } from './near-copies.schemas.js'
import * as nearCopies from './near-copies.service.js'

export const nearCopyRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/v1/documents/:id/similar', {
      config: { access: 'public' },
      schema: {
        tags: ['documents'],
        summary: 'Near copies of a document (the same standard agreement released by other agencies), most similar first',
        description: 'Only documents the caller may see are listed or counted.',
        params: documentParams,
        response: { 200: similarResponse, ...problemResponses },
      },
      handler: async (request) => nearCopies.similarDocuments(ctx, request.user, request.params.id),
    })

    app.get('/v1/documents/:id/compare/:otherId', {
      config: { access: 'public' },
      schema: {
        tags: ['documents'],
        summary: 'Two documents compared word by word, pages paired in order',
        params: compareParams,
        response: { 200: compareResponse, ...problemResponses },
      },
      handler: async (request) => {
        const { similarity, changes } = await nearCopies.compareDocuments(ctx, request.user, request.params.id, request.params.otherId)
        return { similarity, changes }
      },
    })
  }
