import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { DOCUMENT_KINDS } from '../db/schema/documents.js'
import { InvalidInputError } from '../errors.js'
import { signedIn } from '../http/access.js'
import { stateCodeSchema } from '../http/schemas.js'
import { getAgency, listAgencies } from '../modules/agencies/agencies.service.js'
import { agencyStatistics } from '../modules/agencies/agency-statistics.service.js'
import { suggestionBody } from '../modules/agencies/agency-suggestions.schemas.js'
import { suggestContacts } from '../modules/agencies/agency-suggestions.service.js'
import { MIN_SAMPLE } from '../modules/agencies/response-statistics.js'
import { listDocuments } from '../modules/documents/documents.service.js'
import { findJurisdiction, listJurisdictions } from '../modules/jurisdictions/jurisdictions.repository.js'
import { compareDocuments } from '../modules/near-copies/near-copies.service.js'
import { findVisibleRequest } from '../modules/requests/request-access.js'
import { statusLabel } from '../modules/requests/request-status.js'
import { listAgencyRequests } from '../modules/requests/requests.service.js'
import { searchQuery } from '../modules/search/search.schemas.js'
import { search } from '../modules/search/search.service.js'
import { sideBySide } from './compare-rows.js'
import { renderDocumentPage } from './document-page.js'
import { csrfField } from './form-fields.js'
import { markedParts } from './marked-text.js'
import { renderPage } from './render.js'

const RESULTS_PER_PAGE = 20
/** Deepest results page offered: search answers at most MAX_SEARCH_OFFSET results deep. */
const MAX_RESULTS_PAGE = 500
const AGENCIES_PER_PAGE = 50
const AGENCY_REQUESTS_SHOWN = 25
const DOCUMENTS_PER_REQUEST = 10

/** `/search?…` with the given parameters, empty ones left out. */
function searchUrl(params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, String(value))
  return `/search?${query.toString()}`
}

function pageNumber(max: number) {
  return z.coerce.number().int().min(1).max(max).default(1)
}

/** The issues of a zod parse as the field errors a page lists. */
function fieldErrors(error: z.ZodError, part: string) {
  return error.issues.map((issue) => ({ path: [part, ...issue.path.map(String)].join('.'), message: issue.message }))
}

/** The public pages: home, search, the document viewer, agencies. Same services and access rules as the API. */
export const publicPages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/', {
      config: { access: 'public' },
      schema: { hide: true },
      handler: async (request, reply) => renderPage(request, reply, 'home', { title: 'Public records about police and Amazon Ring' }),
    })

    app.get('/search', {
      config: { access: 'public', rateLimited: 'search' },
      schema: {
        hide: true,
        querystring: z.object({
          q: z.string().max(500).default(''),
          state: stateCodeSchema.optional(),
          kind: z.enum(DOCUMENT_KINDS).optional(),
          agencyId: z.uuid().optional(),
          collapse: z.enum(['true']).optional(),
          page: pageNumber(MAX_RESULTS_PAGE),
        }),
      },
      handler: async (request, reply) => {
        const { q, state, kind, agencyId, collapse, page } = request.query
        const browsing = q.trim() === ''
        const base = {
          title: browsing ? 'Search documents' : `Search: ${q.trim()}`,
          q,
          state: state ?? '',
          kind: kind ?? '',
          agencyId: agencyId ?? '',
          collapse: collapse === 'true',
        }
        if (browsing && !state && !kind && !agencyId) return renderPage(request, reply, 'search', { ...base, results: null })
        // The API's own query rules (term count, lengths), so the page refuses exactly what the API does.
        const parsed = searchQuery.safeParse({
          q,
          state,
          kind,
          agencyId,
          collapse,
          limit: RESULTS_PER_PAGE,
          offset: (page - 1) * RESULTS_PER_PAGE,
        })
        if (!parsed.success) throw new InvalidInputError('The search is not valid.', fieldErrors(parsed.error, 'querystring'))
        const found = await search(ctx, request.user, parsed.data)
        const keep = { q, state, kind, agencyId, collapse }
        const facet = (name: 'state' | 'kind', current: string | undefined) =>
          found.facets[name].map((entry) => ({
            value: entry.value,
            count: entry.count,
            current: entry.value === current,
            url: searchUrl({ ...keep, [name]: entry.value === current ? undefined : entry.value }),
          }))
        const lastPage = Math.min(MAX_RESULTS_PAGE, Math.max(1, Math.ceil(found.total / RESULTS_PER_PAGE)))
        return renderPage(request, reply, 'search', {
          ...base,
          results: {
            total: found.total,
            atLeast: found.totalRelation === 'gte',
            browsing,
            page,
            lastPage,
            previousUrl: page > 1 ? searchUrl({ ...keep, page: page - 1 }) : null,
            nextUrl: page < lastPage ? searchUrl({ ...keep, page: page + 1 }) : null,
            clearUrl: !browsing && (state || kind || agencyId) ? searchUrl({ q, collapse }) : null,
            states: facet('state', state),
            kinds: facet('kind', kind),
            items: found.items.map((item) => ({
              title: item.title,
              page: item.page,
              agency: item.agency,
              url: `/documents/${item.documentId}?${new URLSearchParams({ page: String(item.page), q }).toString()}`,
              parts: markedParts(item.snippet),
              nearCopies: item.nearCopies ?? 0,
              copiesUrl: `/documents/${item.documentId}#near-copies`,
            })),
          },
        })
      },
    })

    app.get('/documents/:id', {
      config: { access: 'public' },
      schema: {
        hide: true,
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ page: pageNumber(1_000_000), q: z.string().max(500).default('') }),
      },
      handler: async (request, reply) =>
        renderDocumentPage(ctx, request, reply, { id: request.params.id, page: request.query.page, q: request.query.q }),
    })

    app.get('/documents/:id/compare/:otherId', {
      config: { access: 'public' },
      schema: { hide: true, params: z.object({ id: z.uuid(), otherId: z.uuid() }) },
      handler: async (request, reply) => {
        const { id, otherId } = request.params
        const comparison = await compareDocuments(ctx, request.user, id, otherId)
        const [first, second] = await Promise.all([
          findVisibleRequest(ctx.db, request.user, comparison.document.requestId),
          findVisibleRequest(ctx.db, request.user, comparison.other.requestId),
        ])
        return renderPage(request, reply, 'compare', {
          title: `${comparison.document.title} compared with ${second.agency.name}’s copy`,
          document: { id, title: comparison.document.title, agency: first.agency.name },
          other: { id: otherId, title: comparison.other.title, agency: second.agency.name },
          percent: Math.floor(comparison.similarity * 100),
          changed: comparison.changes.filter((change) => change.op !== 'equal').length,
          rows: sideBySide(comparison.changes),
        })
      },
    })

    app.get('/agencies', {
      config: { access: 'public' },
      schema: {
        hide: true,
        querystring: z.object({
          state: stateCodeSchema.optional(),
          q: z.string().trim().max(200).default(''),
          cursor: z.string().max(500).optional(),
        }),
      },
      handler: async (request, reply) => {
        const { state, q, cursor } = request.query
        const [found, jurisdictions] = await Promise.all([
          listAgencies(ctx.db, request.user, { state, q: q || undefined, cursor, limit: AGENCIES_PER_PAGE }),
          listJurisdictions(ctx.db),
        ])
        const params = new URLSearchParams()
        if (state) params.set('state', state)
        if (q) params.set('q', q)
        if (found.nextCursor) params.set('cursor', found.nextCursor)
        return renderPage(request, reply, 'agencies', {
          title: 'Agencies',
          state: state ?? '',
          q,
          states: jurisdictions.filter((j) => j.code !== 'US').map((j) => ({ code: j.code, name: j.name, selected: j.code === state })),
          agencies: found.items.map((agency) => ({
            id: agency.id,
            name: agency.name,
            city: agency.city ?? '',
            state: agency.state,
            ringPartner: agency.ringPartner,
          })),
          nextUrl: found.nextCursor ? `/agencies?${params.toString()}` : null,
        })
      },
    })

    app.get('/agencies/:id', {
      config: { access: 'public' },
      schema: { hide: true, params: z.object({ id: z.uuid() }), querystring: z.object({ suggested: z.literal('1').optional() }) },
      handler: async (request, reply) => {
        const agency = await getAgency(ctx.db, request.params.id)
        const law = await findJurisdiction(ctx.db, agency.state)
        const requests = await listAgencyRequests(ctx, request.user, agency.id, AGENCY_REQUESTS_SHOWN)
        const stats = await agencyStatistics(ctx, agency.id)
        const percent = (share: number) => `${Math.round(share * 100)}%`
        const documents = (
          await Promise.all(
            requests
              .filter((r) => r.status !== 'draft')
              .map(async (r) => (await listDocuments(ctx, request.user, r.id, { limit: DOCUMENTS_PER_REQUEST })).items),
          )
        )
          .flat()
          .filter((document) => document.status === 'ready')
        return renderPage(request, reply, 'agency', {
          title: agency.name,
          suggested: request.query.suggested === '1',
          agency: {
            id: agency.id,
            name: agency.name,
            state: agency.state,
            city: agency.city ?? '',
            county: agency.county ?? '',
            kind: agency.kind ?? '',
            email: agency.emailApproved ? agency.email : null,
            portalUrl: agency.portalUrl && /^https?:\/\//i.test(agency.portalUrl) ? agency.portalUrl : null,
            mailingAddress: agency.mailingAddress ?? '',
            phone: agency.phone ?? '',
            ringPartner: agency.ringPartner,
            ringPartnerSince: agency.ringPartnerSince ?? '',
          },
          law: law
            ? { name: law.lawName, citation: law.citation, rule: law.responseRuleText, appeal: law.appealProcess, fees: law.feeNotes }
            : null,
          stats: {
            filed: stats.filed,
            answered: stats.answered,
            waiting: stats.waitingForFirstResponse,
            firstResponse: stats.medianDaysToFirstResponse,
            completion: stats.medianDaysToCompletion,
            enoughFiled: stats.filed >= MIN_SAMPLE,
            onTime: stats.onTime
              ? { rate: percent(stats.onTime.rate), low: percent(stats.onTime.low), high: percent(stats.onTime.high), n: stats.onTime.n }
              : null,
            minimum: MIN_SAMPLE,
          },
          requests: requests.map((r) => ({
            id: r.id,
            subject: r.subject,
            status: statusLabel(r.status),
            filedOn: r.submittedAt?.slice(0, 10) ?? '',
            dueDate: r.dueDate ?? '',
            public: r.visibility === 'public',
          })),
          documents: documents.map((d) => ({
            id: d.id,
            title: d.title,
            kind: d.kind,
            receivedOn: d.receivedAt.slice(0, 10),
            pageCount: d.pageCount ?? 0,
          })),
        })
      },
    })

    app.post('/agencies/:id/suggestions', {
      config: { access: 'user', rateLimited: 'agencies' },
      preHandler: app.csrfProtection,
      schema: {
        hide: true,
        params: z.object({ id: z.uuid() }),
        body: z.object({
          ...csrfField,
          email: z.string().optional(),
          portalUrl: z.string().optional(),
          mailingAddress: z.string().optional(),
          phone: z.string().optional(),
          note: z.string().optional(),
        }),
      },
      handler: async (request, reply) => {
        const { _csrf, ...fields } = request.body
        // The API's own rules, so the page refuses exactly what the API does.
        const parsed = suggestionBody.safeParse(fields)
        if (!parsed.success) throw new InvalidInputError('The suggestion is not valid.', fieldErrors(parsed.error, 'body'))
        await suggestContacts(ctx, signedIn(request), request.params.id, parsed.data)
        return reply.redirect(`/agencies/${request.params.id}?suggested=1#suggest-heading`, 303)
      },
    })
  }
