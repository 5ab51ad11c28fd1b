import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { signedIn } from '../../http/access.js'
import { pageSchema } from '../../http/pagination.js'
import { problemResponses, rateLimitedResponses } from '../../http/problem.js'
import {
  agencyListQuery,
  agencyParams,
  agencySchema,
  agencyStatisticsSchema,
  createAgencyBody,
  importResponse,
  updateAgencyBody,
} from './agencies.schemas.js'
import * as agencies from './agencies.service.js'
import { agencyStatistics } from './agency-statistics.service.js'

const CSV_BODY_LIMIT = 5 * 1024 * 1024

export const agencyRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    )

    app.get('/v1/agencies', {
      config: { access: 'public' },
      schema: {
        tags: ['agencies'],
        summary: 'Find agencies by state, name or city words, and Ring partnership',
        description:
          'Administrators may add emailPending=true: the agencies whose email address waits for their approval (others get 403).',
        querystring: agencyListQuery,
        response: { 200: pageSchema(agencySchema), ...problemResponses },
      },
      handler: async (request) => agencies.listAgencies(ctx.db, request.user, request.query),
    })

    app.get('/v1/agencies/:id', {
      config: { access: 'public' },
      schema: { tags: ['agencies'], summary: 'One agency', params: agencyParams, response: { 200: agencySchema, ...problemResponses } },
      handler: async (request) => agencies.getAgency(ctx.db, request.params.id),
    })

    app.get('/v1/agencies/:id/stats', {
      config: { access: 'public' },
      schema: {
        tags: ['agencies'],
        summary: 'How the agency answers requests: counts, median days, on-time rate',
        description:
          'Computed over the agency’s public requests only. Medians count open requests as still waiting (Kaplan–Meier); the on-time rate is over final answers with a statutory due date, with a Wilson 95% interval, and null while fewer than 5.',
        params: agencyParams,
        response: { 200: agencyStatisticsSchema, ...problemResponses },
      },
      handler: async (request) => agencyStatistics(ctx, request.params.id),
    })

    app.post('/v1/agencies', {
      config: { access: 'user', rateLimited: 'agencies' },
      schema: {
        tags: ['agencies'],
        summary: 'Add an agency that is not listed yet',
        description:
          'A member may add AGENCIES_PER_USER_PER_DAY agencies in any 24 hours (429 with Retry-After beyond). An email address a member gives is not used until an administrator approves it (emailApproved false); one an administrator gives is approved.',
        body: createAgencyBody,
        response: { 201: agencySchema, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => reply.code(201).send(await agencies.createAgency(ctx, signedIn(request), request.body)),
    })

    app.patch('/v1/agencies/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['agencies'],
        summary: 'Correct an agency, approve its email address or set its closure days (admin)',
        description:
          'An email address set here is approved (emailApproved true) unless emailApproved is false. emailApproved true alone approves the address on file, such as one a member gave; false withdraws approval, and letters and follow-ups not yet sent to it then fail.',
        params: agencyParams,
        body: updateAgencyBody,
        response: { 200: agencySchema, ...problemResponses },
      },
      handler: async (request) => agencies.updateAgency(ctx, signedIn(request), request.params.id, request.body),
    })

    app.post('/v1/agencies/import', {
      config: { access: 'admin' },
      schema: {
        tags: ['agencies'],
        summary: 'Import agencies from CSV (admin)',
        description:
          'Body: text/csv with a header row. Columns (any order, case-insensitive): name (or agency_name), state, city, county, kind (or agency_type), email, portal_url, mailing_address, phone, ring_partner (true/false), ring_partner_since (or joined_date; YYYY-MM-DD or YYYY-MM). Rows are matched to existing agencies by state + name + city; empty cells leave existing values alone. Email addresses in the file are approved by the importing administrator.',
        consumes: ['text/csv'],
        body: z.string().max(CSV_BODY_LIMIT),
        response: { 200: importResponse, ...problemResponses },
      },
      handler: async (request) => agencies.importAgencies(ctx, signedIn(request), request.body),
    })
  }
