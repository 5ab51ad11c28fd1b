import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { signedIn } from '../http/access.js'
import { acceptSuggestion, listSuggestions, rejectSuggestion } from '../modules/agencies/agency-suggestions.service.js'
import { assignUnmatched, findRequestToAssign, listUnmatched } from '../modules/correspondence/correspondence.service.js'
import { csrfField } from './form-fields.js'
import { renderPage } from './render.js'

const UNMATCHED_PER_PAGE = 25
const SUGGESTIONS_PER_PAGE = 25
const CONTACT_LABELS = { email: 'Email', portalUrl: 'Records portal', mailingAddress: 'Mail', phone: 'Phone' } as const

/**
 * /admin/inbound: mail that matched no request, and a form giving each to one (GET and POST /v1/inbound/unmatched).
 * /admin/suggestions: suggested agency contacts waiting for review, each accepted or rejected in one click
 * (GET /v1/agency-suggestions?status=pending, POST …/accept and …/reject).
 */
export const adminPages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/admin/inbound', {
      config: { access: 'admin' },
      schema: { hide: true, querystring: z.object({ cursor: z.string().max(500).optional() }) },
      handler: async (request, reply) => {
        const found = await listUnmatched(ctx, { limit: UNMATCHED_PER_PAGE, cursor: request.query.cursor })
        return renderPage(request, reply, 'admin-inbound', {
          title: 'Unmatched mail',
          messages: found.items.map((message) => ({
            id: message.id,
            from: message.from,
            to: message.to.join(', '),
            subject: message.subject,
            text: message.text.length > 2000 ? `${message.text.slice(0, 2000)}…` : message.text,
            receivedAt: message.sentAt,
          })),
          nextUrl: found.nextCursor ? `/admin/inbound?${new URLSearchParams({ cursor: found.nextCursor })}` : null,
        })
      },
    })

    app.post('/admin/inbound/:id/assign', {
      config: { access: 'admin' },
      preHandler: app.csrfProtection,
      schema: {
        hide: true,
        params: z.object({ id: z.uuid() }),
        body: z.object({ ...csrfField, requestId: z.string().trim().max(200) }),
      },
      handler: async (request, reply) => {
        const requestId = await findRequestToAssign(ctx, request.body.requestId)
        await assignUnmatched(ctx, request.params.id, requestId)
        return reply.redirect(`/requests/${requestId}#thread`, 303)
      },
    })

    app.get('/admin/suggestions', {
      config: { access: 'admin' },
      schema: { hide: true, querystring: z.object({ cursor: z.string().max(500).optional() }) },
      handler: async (request, reply) => {
        const found = await listSuggestions(ctx.db, { status: 'pending', limit: SUGGESTIONS_PER_PAGE, cursor: request.query.cursor })
        return renderPage(request, reply, 'admin-suggestions', {
          title: 'Suggested agency contacts',
          suggestions: found.items.map((suggestion) => ({
            id: suggestion.id,
            agency: suggestion.agency,
            fromReply: suggestion.source === 'reply',
            suggestedBy: suggestion.suggestedBy?.name ?? null,
            createdAt: suggestion.createdAt,
            note: suggestion.note ?? '',
            fields: (Object.keys(CONTACT_LABELS) as (keyof typeof CONTACT_LABELS)[])
              .filter((field) => suggestion[field] !== null)
              .map((field) => ({ label: CONTACT_LABELS[field], value: suggestion[field], current: suggestion.current[field] ?? '' })),
          })),
          nextUrl: found.nextCursor ? `/admin/suggestions?${new URLSearchParams({ cursor: found.nextCursor })}` : null,
        })
      },
    })

    app.post('/admin/suggestions/:id/:decision', {
      config: { access: 'admin' },
      preHandler: app.csrfProtection,
      schema: {
        hide: true,
        params: z.object({ id: z.uuid(), decision: z.enum(['accept', 'reject']) }),
        body: z.object(csrfField),
      },
      handler: async (request, reply) => {
        const { id, decision } = request.params
        const review = decision === 'accept' ? acceptSuggestion : rejectSuggestion
        await review(ctx, signedIn(request), id)
        return reply.redirect('/admin/suggestions', 303)
      },
    })
  }
