import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { signedIn } from '../../http/access.js'
import { pageSchema } from '../../http/pagination.js'
import { problemResponses, rateLimitedResponses } from '../../http/problem.js'
import {
  addAgenciesBody,
  campaignListQuery,
  campaignParams,
  campaignSchema,
  campaignTargetSchema,
  createCampaignBody,
  holdCampaignResponse,
  submitCampaignBody,
  submitCampaignResponse,
  targetListQuery,
} from './campaigns.schemas.js'
import * as campaigns from './campaigns.service.js'

export const campaignRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/campaigns', {
      config: { access: 'user' },
      schema: {
        tags: ['campaigns'],
        summary: 'Start a campaign: one draft request to each target agency, rendered with that agency’s own law',
        description:
          'Targets are the agencies `targets` selects (as GET /v1/agencies filters them) and those `agencyIds` lists, together. 422 names each unknown agency id, and answers a selection of no agency or of more than 2,000.',
        body: createCampaignBody,
        response: { 201: campaignSchema, ...problemResponses },
      },
      handler: async (request, reply) => reply.code(201).send(await campaigns.createCampaign(ctx, signedIn(request), request.body)),
    })

    app.get('/v1/campaigns', {
      config: { access: 'public' },
      schema: {
        tags: ['campaigns'],
        summary: 'Public campaigns and the caller’s own, newest first',
        querystring: campaignListQuery,
        response: { 200: pageSchema(campaignSchema), ...problemResponses },
      },
      handler: async (request) => campaigns.listCampaigns(ctx, request.user, request.query),
    })

    app.get('/v1/campaigns/:id', {
      config: { access: 'public' },
      schema: {
        tags: ['campaigns'],
        summary: 'One campaign with its coverage by status and by state (404 for another’s private campaign)',
        params: campaignParams,
        response: { 200: campaignSchema, ...problemResponses },
      },
      handler: async (request) => campaigns.getCampaign(ctx, request.user, request.params.id),
    })

    app.get('/v1/campaigns/:id/targets', {
      config: { access: 'public' },
      schema: {
        tags: ['campaigns'],
        summary: 'The campaign’s agencies with their request’s status, by agency name',
        params: campaignParams,
        querystring: targetListQuery,
        response: { 200: pageSchema(campaignTargetSchema), ...problemResponses },
      },
      handler: async (request) => campaigns.listTargets(ctx, request.user, request.params.id, request.query),
    })

    app.get('/v1/campaigns/:id/targets.csv', {
      config: { access: 'public', documentedResponse: { description: 'Every target, one row each', contentTypes: ['text/csv'] } },
      schema: {
        tags: ['campaigns'],
        summary: 'The campaign’s agencies and their requests as CSV',
        params: campaignParams,
        produces: ['text/csv'],
        response: { 200: z.any().describe('text/csv'), ...problemResponses },
      },
      handler: async (request, reply) => {
        const csv = await campaigns.exportTargetsCsv(ctx, request.user, request.params.id)
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="campaign-${request.params.id}.csv"`)
          .send(csv)
      },
    })

    app.post('/v1/campaigns/:id/agencies', {
      config: { access: 'user' },
      schema: {
        tags: ['campaigns'],
        summary: 'Add agencies to the campaign: a draft to each one not in it yet (organizer or admin)',
        params: campaignParams,
        body: addAgenciesBody,
        response: { 200: campaignSchema, ...problemResponses },
      },
      handler: async (request) => campaigns.addAgencies(ctx, signedIn(request), request.params.id, request.body),
    })

    app.post('/v1/campaigns/:id/submit', {
      config: { access: 'user', rateLimited: 'sending' },
      schema: {
        tags: ['campaigns'],
        summary: 'File every draft of the campaign; letters by email leave paced (organizer or admin)',
        description:
          'With via "email" the drafts whose agency has an approved email address are filed and their letters leave one after another, CAMPAIGN_SEND_PER_MINUTE a minute from sendAt (default now), behind any other campaign’s letters still waiting; the others stay drafts and are listed in needsContact (file them through the portal or by mail). The letters count against the member’s daily allowance of emails to agencies (429 with Retry-After when they do not fit). Other channels file every draft at once. 409 when no draft is left.',
        params: campaignParams,
        body: submitCampaignBody,
        response: { 200: submitCampaignResponse, 202: submitCampaignResponse, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => {
        const answer = await campaigns.submitCampaign(ctx, signedIn(request), request.params.id, request.body)
        return reply.code(request.body.via === 'email' ? 202 : 200).send(answer)
      },
    })

    app.post('/v1/campaigns/:id/hold', {
      config: { access: 'user' },
      schema: {
        tags: ['campaigns'],
        summary: 'Hold back the letters that have not left yet: their requests go back to draft (organizer or admin)',
        description: 'A letter being sent or already sent is not held back; no letter is ever sent twice.',
        params: campaignParams,
        response: { 200: holdCampaignResponse, ...problemResponses },
      },
      handler: async (request) => campaigns.holdCampaign(ctx, signedIn(request), request.params.id),
    })
  }
