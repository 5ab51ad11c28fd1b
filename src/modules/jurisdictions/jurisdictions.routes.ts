import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { NotFoundError } from '../../errors.js'
import { signedIn } from '../../http/access.js'
import { problemResponses } from '../../http/problem.js'
import { addJurisdictionClosure, listJurisdictionClosures, removeJurisdictionClosure } from './jurisdiction-closures.service.js'
import { findJurisdiction, listJurisdictions } from './jurisdictions.repository.js'
import { closureParams, closureSchema, createClosureBody, jurisdictionCodeParams, jurisdictionSchema } from './jurisdictions.schemas.js'

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

    app.get('/v1/jurisdictions/:code/closures', {
      config: { access: 'public' },
      schema: {
        tags: ['jurisdictions'],
        summary: 'Days the whole jurisdiction closed beyond its legal holidays (designated days, proclamations)',
        params: jurisdictionCodeParams,
        response: { 200: z.object({ items: z.array(closureSchema) }), ...problemResponses },
      },
      handler: async (request) => ({ items: await listJurisdictionClosures(ctx, request.params.code) }),
    })

    app.post('/v1/jurisdictions/:code/closures', {
      config: { access: 'admin' },
      schema: {
        tags: ['jurisdictions'],
        summary: 'Close the jurisdiction’s offices on a day (admin)',
        description:
          'A governor’s proclamation, a storm: the day stops business-day clocks of every agency in the jurisdiction. The deadlines of open requests there are counted again; each requester whose due date moved gets a timeline event and one email.',
        params: jurisdictionCodeParams,
        body: createClosureBody,
        response: { 201: z.object({ closure: closureSchema, requestsMoved: z.number().int() }), ...problemResponses },
      },
      handler: async (request, reply) =>
        reply.code(201).send(await addJurisdictionClosure(ctx, signedIn(request), request.params.code, request.body)),
    })

    app.delete('/v1/jurisdictions/:code/closures/:date', {
      config: { access: 'admin' },
      schema: {
        tags: ['jurisdictions'],
        summary: 'Remove a jurisdiction closure (admin); deadlines are counted again',
        params: closureParams,
        response: { 204: z.undefined(), ...problemResponses },
      },
      handler: async (request, reply) => {
        await removeJurisdictionClosure(ctx, signedIn(request), request.params.code, request.params.date)
        return reply.code(204).send()
      },
    })
  }
