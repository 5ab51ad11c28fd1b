import type { FastifyError } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { DomainError } from '../errors.js'
import { signedIn } from '../http/access.js'
import { toProblem } from '../http/error-handler.js'
import { setPublished } from '../modules/documents/documents.service.js'
import { MAX_REDACTION_LENGTH, redactionPage, redactionText } from '../modules/privacy/privacy.schemas.js'
import { addRedactions, removeRedaction, suggestRedactions } from '../modules/privacy/privacy.service.js'
import { type RedactionForm, renderDocumentPage, reviewUrl } from './document-page.js'
import { csrfField } from './form-fields.js'

const params = z.object({ id: z.uuid() })
/** Where the form was: the request page's document list, or the document page. */
const returnTo = z.enum(['request', 'document']).default('document')
/** The document page the reader was on, to come back to. */
const at = z.coerce.number().int().min(1).max(1_000_000).default(1)

/** The add-redaction form's fields as typed: checked by the API's own rules for a redaction. */
const redactionForm = z.object({
  page: z
    .string()
    .trim()
    .regex(/^\d{1,7}$/, 'must be a page number, such as 12')
    .transform(Number)
    .pipe(redactionPage),
  text: redactionText,
})

/** The review of a document before it goes public: publish, unpublish, redactions. Same services as the API. */
export const reviewPages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    for (const [action, published] of [
      ['publish', true],
      ['unpublish', false],
    ] as const) {
      app.post(`/documents/:id/${action}`, {
        config: { access: 'user' },
        preHandler: app.csrfProtection,
        schema: { hide: true, params, body: z.object({ ...csrfField, returnTo, at }) },
        handler: async (request, reply) => {
          const document = await setPublished(ctx, signedIn(request), request.params.id, published)
          const target =
            request.body.returnTo === 'request' ? `/requests/${document.requestId}#documents` : reviewUrl(document.id, request.body.at)
          return reply.redirect(target, 303)
        },
      })
    }

    // Adds one redaction: typed by the requester, or a suggestion accepted (its page and text sent back).
    app.post('/documents/:id/redactions', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: {
        hide: true,
        params,
        // Longer than a redaction may be, so a text a little too long is answered in the form, not by a bare 400.
        body: z.object({ ...csrfField, page: z.string().max(40), text: z.string().max(MAX_REDACTION_LENGTH * 4), at }),
      },
      handler: async (request, reply) => {
        const { id } = request.params
        const { page, text, at: viewPage } = request.body
        const again = (form: Omit<RedactionForm, 'values'>, status: number) =>
          renderDocumentPage(ctx, request, reply, { id, page: viewPage, q: '' }, { ...form, values: { page, text } }, status)
        const parsed = redactionForm.safeParse({ page, text })
        if (!parsed.success) {
          const errors: RedactionForm['errors'] = { page: null, text: null }
          for (const issue of parsed.error.issues) {
            const field = issue.path[0] === 'page' ? 'page' : 'text'
            errors[field] ??= issue.message
          }
          return again({ errors, detail: 'The redaction was not added: see below.' }, 400)
        }
        try {
          await addRedactions(ctx, signedIn(request), id, [parsed.data])
        } catch (error) {
          // The service's refusals of this one item (page out of range, text not on the page) belong to its fields.
          if (!(error instanceof DomainError) || !error.errors) throw error
          const errors: RedactionForm['errors'] = { page: null, text: null }
          for (const fieldError of error.errors) {
            const field = fieldError.path.endsWith('.page') ? 'page' : 'text'
            errors[field] ??= fieldError.message
          }
          return again({ errors, detail: 'The redaction was not added: see below.' }, toProblem(error as FastifyError).status)
        }
        return reply.redirect(reviewUrl(id, parsed.data.page), 303)
      },
    })

    app.post('/documents/:id/redactions/accept-all', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params, body: z.object({ ...csrfField, at }) },
      handler: async (request, reply) => {
        const user = signedIn(request)
        const { id } = request.params
        const suggestions = (await suggestRedactions(ctx, user, id)).items
        const items = [...new Map(suggestions.map(({ page, text }) => [`${page}\u0000${text}`, { page, text }])).values()]
        if (items.length > 0) await addRedactions(ctx, user, id, items)
        return reply.redirect(reviewUrl(id, request.body.at), 303)
      },
    })

    app.post('/documents/:id/redactions/:redactionId/undo', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params: z.object({ id: z.uuid(), redactionId: z.uuid() }), body: z.object({ ...csrfField, at }) },
      handler: async (request, reply) => {
        await removeRedaction(ctx, signedIn(request), request.params.id, request.params.redactionId)
        return reply.redirect(reviewUrl(request.params.id, request.body.at), 303)
      },
    })
  }
