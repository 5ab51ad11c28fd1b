import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { SUBMISSION_CHANNELS } from '../db/schema/requests.js'
import { InvalidInputError } from '../errors.js'
import { signedIn } from '../http/access.js'
import { campaignParams, createCampaignBody, submitCampaignBody, targetListQuery } from '../modules/campaigns/campaigns.schemas.js'
import { createCampaign, getCampaign, holdCampaign, listTargets, submitCampaign } from '../modules/campaigns/campaigns.service.js'
import { listJurisdictions } from '../modules/jurisdictions/jurisdictions.repository.js'
import { REQUEST_STATUSES, statusLabel } from '../modules/requests/request-status.js'
import { mapLegend, mapStates, statusRows } from './campaign-page.js'
import { csrfField, fieldErrors, letterFormFields, optional, VARIABLE_PREFIX, variablesOf } from './form-fields.js'
import { renderPage } from './render.js'
import { stateOutlines, US_MAP_VIEW_BOX } from './us-map.js'

/** Agencies listed on one campaign page; the filters and "next" link reach the rest. */
const TARGETS_PER_PAGE = 100

/** The campaign page's query: the notice after filing or holding, and the agency table's filters (the API's, blanks allowed). */
const campaignPageQuery = z.object({
  filed: z.coerce.number().int().min(0).max(100_000).optional(),
  needsContact: z.coerce.number().int().min(0).max(100_000).optional(),
  held: z.coerce.number().int().min(0).max(100_000).optional(),
  status: optional(targetListQuery.shape.status.unwrap()),
  state: optional(targetListQuery.shape.state.unwrap()),
  overdue: optional(z.enum(['true'])),
  cursor: optional(targetListQuery.shape.cursor.unwrap()),
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
      schema: { hide: true, params: campaignParams, querystring: campaignPageQuery },
      handler: async (request, reply) => {
        const { status, state, overdue, cursor } = request.query
        const campaign = await getCampaign(ctx, request.user, request.params.id)
        const filters = { status, state, overdue: overdue === 'true' ? true : undefined }
        const targets = await listTargets(ctx, request.user, request.params.id, { ...filters, cursor, limit: TARGETS_PER_PAGE })
        const jurisdictions = await listJurisdictions(ctx.db)
        const names = new Map(jurisdictions.map((jurisdiction) => [jurisdiction.code, jurisdiction.name]))
        const user = request.user
        const filtered = Boolean(status || state || overdue)
        const listUrl = (extra: Record<string, string>) => {
          const query = new URLSearchParams({
            ...(status ? { status } : {}),
            ...(state ? { state } : {}),
            ...(overdue ? { overdue } : {}),
            ...extra,
          })
          return `/campaigns/${campaign.id}?${query.toString()}#agencies-heading`
        }
        return renderPage(request, reply, 'campaign', {
          title: campaign.title,
          campaign,
          organizer: user !== null && (user.role === 'admin' || user.id === campaign.owner.id),
          statuses: statusRows(campaign),
          byState: campaign.byState.map((row) => ({ ...row, name: names.get(row.state) ?? row.state })),
          map: { viewBox: US_MAP_VIEW_BOX, states: mapStates(campaign, jurisdictions, stateOutlines()), legend: mapLegend() },
          targets: targets.items.map((target) => ({ ...target, statusLabel: statusLabel(target.status) })),
          filters: {
            status: status ?? '',
            state: state ?? '',
            overdue: overdue === 'true',
            active: filtered,
            continued: cursor !== undefined,
            statuses: REQUEST_STATUSES.map((value) => ({ value, label: statusLabel(value) })),
          },
          nextUrl: targets.nextCursor ? listUrl({ cursor: targets.nextCursor }) : null,
          firstUrl: cursor ? listUrl({}) : null,
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
