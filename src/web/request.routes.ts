import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { InvalidInputError } from '../errors.js'
import { signedIn } from '../http/access.js'
import { listMessages, markMessagesRead } from '../modules/correspondence/correspondence.service.js'
import { sendMessageBody } from '../modules/correspondence/outbound.schemas.js'
import { sendMessage } from '../modules/correspondence/outbound.service.js'
import { listDocuments, readyToPublish, uploadDocuments } from '../modules/documents/documents.service.js'
import { canChange, findVisibleRequest } from '../modules/requests/request-access.js'
import { EVENT_TYPES, statusLabel } from '../modules/requests/request-status.js'
import { createEventBody } from '../modules/requests/requests.schemas.js'
import { addEvent, listEvents, toRequest, updateRequest } from '../modules/requests/requests.service.js'
import { csrfField, optional } from './form-fields.js'
import { renderPage } from './render.js'
import { mergeTimeline, nextAction, occurredAtOf } from './request-page.js'

/** Messages and documents a request page shows at most (a thread longer than this links to the API). */
const THREAD_PAGE = 100
const THREAD_PAGES = 5
const DOCUMENTS_SHOWN = 100

const params = z.object({ id: z.uuid() })
const dateField = z.iso.date('must be a date (YYYY-MM-DD)')

const EVENT_LABELS: Record<string, string> = {
  created: 'Draft created',
  submitted: 'Filed',
  deadline_changed: 'Due date moved',
  acknowledged: 'Acknowledged',
  extended: 'Extended',
  fee_requested: 'Fee requested',
  fee_paid: 'Fee paid',
  clarification_requested: 'Clarification requested',
  clarification_sent: 'Clarification sent',
  partial_release: 'Partial release',
  fulfilled: 'Fulfilled',
  no_records: 'No records',
  rejected: 'Rejected',
  appealed: 'Appealed',
  withdrawn: 'Withdrawn',
  note: 'Note',
}
const label = (type: string) => EVENT_LABELS[type] ?? type.replaceAll('_', ' ')

/** The issues of a zod parse as the field errors the error page lists. */
function fieldErrors(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message }))
}

/**
 * /requests/{id}: the request page and its forms (log an event, write to the agency, upload files,
 * mute reminders). Same services and access rules as the JSON API: a request the API would answer
 * 404 for is a 404 page; others may read a public request, only its owner (or an admin) changes it.
 */
export const requestPages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    async function threadOf(user: FastifyRequest['user'], id: string) {
      const items = []
      let cursor: string | undefined
      for (let page = 0; page < THREAD_PAGES; page++) {
        const found = await listMessages(ctx, user, id, { limit: THREAD_PAGE, cursor })
        items.push(...found.items)
        if (!found.nextCursor) return { items, more: false }
        cursor = found.nextCursor
      }
      return { items, more: true }
    }

    app.get('/requests/:id', {
      config: { access: 'public' },
      schema: { hide: true, params },
      handler: async (request, reply) => {
        const { id } = request.params
        const user = request.user
        const found = await findVisibleRequest(ctx.db, user, id)
        const view = toRequest(ctx, found)
        const mayChange = user !== null && canChange(user, found.request)
        const isOwner = user !== null && user.id === found.request.userId
        const [events, thread, documents] = await Promise.all([
          listEvents(ctx, user, id),
          threadOf(user, id),
          listDocuments(ctx, user, id, { limit: DOCUMENTS_SHOWN }),
        ])
        // The owner has now seen the agency's replies; this page still marks them as new.
        if (isOwner && view.unreadMessages > 0) await markMessagesRead(ctx, user, id)
        const agencyEmail = found.agency.emailApproved && found.agency.email !== null
        const timeline = mergeTimeline(events, thread.items).map((entry) =>
          entry.kind === 'event'
            ? { kind: 'event', at: entry.at, label: label(entry.event.type), event: entry.event }
            : {
                kind: 'message',
                at: entry.at,
                message: entry.message,
                incoming: entry.message.direction === 'inbound',
                suggestion:
                  mayChange && entry.message.suggestion?.event && view.allowedEvents.includes(entry.message.suggestion.event)
                    ? {
                        type: entry.message.suggestion.event,
                        label: label(entry.message.suggestion.event),
                        amount: entry.message.suggestion.feeAmount ?? '',
                        date: entry.message.sentAt?.slice(0, 10) ?? '',
                      }
                    : null,
                trackingNumber:
                  mayChange && entry.message.suggestion?.trackingNumber && entry.message.suggestion.trackingNumber !== view.trackingNumber
                    ? entry.message.suggestion.trackingNumber
                    : null,
              },
        )
        return renderPage(request, reply, 'request', {
          title: view.subject,
          request: { ...view, statusLabel: statusLabel(view.status), ruleText: view.deadline?.rule.replace(/\.+$/, '') ?? '' },
          next: mayChange ? nextAction({ ...view, agencyEmail }) : null,
          mayChange,
          isOwner,
          agencyEmail,
          timeline,
          threadMore: thread.more,
          documents: documents.items.map((document) => ({
            id: document.id,
            title: document.title,
            status: document.status,
            receivedOn: document.receivedAt.slice(0, 10),
            published: document.published,
            redactionCount: document.redactionCount,
            renditionStatus: document.renditionStatus,
            publishable: readyToPublish(document),
          })),
          eventTypes: view.allowedEvents.map((type) => ({ value: type, label: label(type) })),
          today: ctx.clock.now().toISOString().slice(0, 10),
        })
      },
    })

    const eventForm = z.object({
      ...csrfField,
      type: z.enum(EVENT_TYPES),
      date: optional(dateField),
      note: optional(z.string().max(10_000)),
      amount: optional(z.coerce.number()),
      extensionDays: optional(z.coerce.number().int()),
      newDueDate: optional(dateField),
    })

    app.post('/requests/:id/events', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params, body: eventForm },
      handler: async (request, reply) => {
        const { _csrf, date, ...fields } = request.body
        // The API's own rules for an event, so the page refuses exactly what the API does.
        const parsed = createEventBody.safeParse({ ...fields, occurredAt: occurredAtOf(date, ctx.clock.now()) })
        if (!parsed.success) throw new InvalidInputError('The event is not valid.', fieldErrors(parsed.error))
        await addEvent(ctx, signedIn(request), request.params.id, parsed.data)
        return backTo(reply, request.params.id, 'timeline')
      },
    })

    app.post('/requests/:id/messages', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params, body: z.object({ ...csrfField, subject: optional(z.string()), text: z.string() }) },
      handler: async (request, reply) => {
        const { _csrf, ...fields } = request.body
        const parsed = sendMessageBody.safeParse(fields)
        if (!parsed.success) throw new InvalidInputError('The message is not valid.', fieldErrors(parsed.error))
        await sendMessage(ctx, signedIn(request), request.params.id, parsed.data)
        return backTo(reply, request.params.id, 'thread')
      },
    })

    app.post('/requests/:id/tracking-number', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params, body: z.object({ ...csrfField, trackingNumber: z.string().trim().min(1).max(200) }) },
      handler: async (request, reply) => {
        await updateRequest(ctx, signedIn(request), request.params.id, { trackingNumber: request.body.trackingNumber })
        return backTo(reply, request.params.id, 'timeline')
      },
    })

    app.post('/requests/:id/prompt-response', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params, body: z.object({ ...csrfField, promptResponseDays: z.coerce.number().int().min(1).max(60) }) },
      handler: async (request, reply) => {
        await updateRequest(ctx, signedIn(request), request.params.id, { promptResponseDays: request.body.promptResponseDays })
        return backTo(reply, request.params.id, 'reminders')
      },
    })

    app.post('/requests/:id/reminders', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params, body: z.object({ ...csrfField, muted: z.enum(['true', 'false']) }) },
      handler: async (request, reply) => {
        await updateRequest(ctx, signedIn(request), request.params.id, { remindersMuted: request.body.muted === 'true' })
        return backTo(reply, request.params.id, 'reminders')
      },
    })

    // A multipart body is read as a stream after the preHandler, so its CSRF token rides in the
    // form's action URL (pages send no Referer: helmet's Referrer-Policy is no-referrer).
    app.post('/requests/:id/documents', {
      config: { access: 'user' },
      preHandler: (request, reply, done) => {
        const token = (request.query as { _csrf?: unknown })._csrf
        if (typeof token === 'string') request.headers['csrf-token'] = token
        app.csrfProtection(request, reply, done)
      },
      schema: { hide: true, params, querystring: z.object(csrfField) },
      handler: async (request, reply) => {
        if (!request.isMultipart()) throw new InvalidInputError('Choose the files to upload with the form on the request page.')
        await uploadDocuments(ctx, signedIn(request), request.params.id, request.parts())
        return backTo(reply, request.params.id, 'documents')
      },
    })
  }

function backTo(reply: FastifyReply, id: string, section: string) {
  return reply.redirect(`/requests/${id}#${section}`, 303)
}
