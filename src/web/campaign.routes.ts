import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { SUBMISSION_CHANNELS } from '../db/schema/requests.js'
import { InvalidInputError } from '../errors.js'
import { signedIn } from '../http/access.js'
import { campaignParams, createCampaignBody, submitCampaignBody } from '../modules/campaigns/campaigns.schemas.js'
import { allTargets, createCampaign, getCampaign, holdCampaign, submitCampaign } from '../modules/campaigns/campaigns.service.js'
import { listJurisdictions } from '../modules/jurisdictions/jurisdictions.repository.js'
import { mapLegend, mapStates, statusRows } from './campaign-page.js'
import { csrfField, fieldErrors, letterFormFields, VARIABLE_PREFIX, variablesOf } from './form-fields.js'
import { renderPage } from './render.js'
import { stateOutlines, US_MAP_VIEW_BOX } from './us-map.js'

const noticeQuery = z.object({
  filed: z.coerce.number().int().min(0).max(100_000).optional(),
  needsContact: z.coerce.number().int().min(0).max(100_000).optional(),
  held: z.coerce.number().int().min(0).max(100_000).optional(),
})

/** Campaign pages: start one from a form (/campaigns/new), follow one (/campaigns/{id}). Same services as /v1/campaigns. */
export const campaignPages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const requestTemplates = () => ctx.templates.list().filter((template) => template.kind === 'request')

    app.get('/campaigns/new', {
      config: { access: 'user' },
      schema: { hide: true, querystring: z.object({ template: z.string().max(100).optional() }) },
      handler: async (request, reply) => {
        const templates = requestTemplates()
        const template = templates.find((candidate) => candidate.slug === request.query.template) ?? templates[0]!
        const states = (await listJurisdictions(ctx.db)).filter((jurisdiction) => jurisdiction.code !== 'US')
        return renderPage(request, reply, 'campaign-new', {
          title: 'New campaign',
          templates: templates.map((candidate) => ({
            slug: candidate.slug,
            title: candidate.title,
            selected: candidate.slug === template.slug,
          })),
          template: {
            slug: template.slug,
            title: template.title,
            description: template.description,
            variables: template.variables.map((variable) => ({ ...variable, field: `${VARIABLE_PREFIX}${variable.name}` })),
          },
          states: states.map((state) => ({ code: state.code, name: state.name })),
        })
      },
    })

    app.post('/campaigns', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, body: letterFormFields },
      handler: async (request, reply) => {
        const fields = request.body
        const parsed = createCampaignBody.safeParse({
          title: fields.title,
          templateSlug: fields.template,
          variables: variablesOf(fields),
          visibility: fields.visibility,
          targets: {
            ...(fields.state ? { state: fields.state } : {}),
            ...(fields.ringPartner === 'true' ? { ringPartner: true } : {}),
            ...(fields.q?.trim() ? { q: fields.q } : {}),
          },
        })
        if (!parsed.success) throw new InvalidInputError('The campaign is not valid.', fieldErrors(parsed.error))
        const created = await createCampaign(ctx, signedIn(request), parsed.data)
        return reply.redirect(`/campaigns/${created.id}`, 303)
      },
    })

    app.get('/campaigns/:id', {
      config: { access: 'public' },
      schema: { hide: true, params: campaignParams, querystring: noticeQuery },
      handler: async (request, reply) => {
        const campaign = await getCampaign(ctx, request.user, request.params.id)
        const targets = await allTargets(ctx, request.user, request.params.id)
        const jurisdictions = await listJurisdictions(ctx.db)
        const names = new Map(jurisdictions.map((jurisdiction) => [jurisdiction.code, jurisdiction.name]))
        const user = request.user
        return renderPage(request, reply, 'campaign', {
          title: campaign.title,
          campaign,
          organizer: user !== null && (user.role === 'admin' || user.id === campaign.owner.id),
          statuses: statusRows(campaign),
          byState: campaign.byState.map((state) => ({ ...state, name: names.get(state.state) ?? state.state })),
          map: { viewBox: US_MAP_VIEW_BOX, states: mapStates(campaign, jurisdictions, stateOutlines()), legend: mapLegend() },
          targets: targets.map((target) => ({ ...target, statusLabel: target.status.replaceAll('_', ' ') })),
          channels: SUBMISSION_CHANNELS.map((channel) => ({ value: channel, label: channel.replace('_', ' ') })),
          notice: { filed: request.query.filed ?? null, needsContact: request.query.needsContact ?? 0, held: request.query.held ?? null },
        })
      },
    })

    app.post('/campaigns/:id/submit', {
      config: { access: 'user', rateLimited: 'sending' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params: campaignParams, body: z.object({ ...csrfField, via: z.string().max(20) }) },
      handler: async (request, reply) => {
        const parsed = submitCampaignBody.safeParse({ via: request.body.via })
        if (!parsed.success) throw new InvalidInputError('The filing is not valid.', fieldErrors(parsed.error))
        const answer = await submitCampaign(ctx, signedIn(request), request.params.id, parsed.data)
        return reply.redirect(`/campaigns/${request.params.id}?filed=${answer.submitted}&needsContact=${answer.needsContact.length}`, 303)
      },
    })

    app.post('/campaigns/:id/hold', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params: campaignParams, body: z.object(csrfField) },
      handler: async (request, reply) => {
        const answer = await holdCampaign(ctx, signedIn(request), request.params.id)
        return reply.redirect(`/campaigns/${request.params.id}?held=${answer.held}`, 303)
      },
    })
  }
