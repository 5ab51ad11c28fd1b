import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { NotFoundError } from '../../http/errors.js'
import { problemResponses } from '../../http/problem.js'
import { findJurisdiction, listJurisdictions } from './jurisdictions.repository.js'
import { jurisdictionCodeParams, jurisdictionSchema } from './jurisdictions.schemas.js'

export const jurisdictionRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/v1/jurisdictions', {
      config: { access: 'public' },
      schema: {
        tags: ['jurisdictions'],
        summary: 'Every records law: the 50 states, DC and federal FOIA',
        response: { 200: z.array(jurisdictionSchema), ...problemResponses },
      },
      handler: async () => listJurisdictions(ctx.db),
    })

    app.get('/v1/jurisdictions/:code', {
      config: { access: 'public' },
      schema: {
        tags: ['jurisdictions'],
        summary: 'One records law by USPS code (US = federal)',
        params: jurisdictionCodeParams,
        response: { 200: jurisdictionSchema, ...problemResponses },
      },
      handler: async (request) => {
        const jurisdiction = await findJurisdiction(ctx.db, request.params.code)
        if (!jurisdiction) throw new NotFoundError('Jurisdiction', request.params.code)
        return jurisdiction
      },
    })
  }
