import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { signedIn } from '../http/access.js'
import { setPublished } from '../modules/documents/documents.service.js'
import { csrfField } from './form-fields.js'

const params = z.object({ id: z.uuid() })
/** Where the form was: the request page's document list, or the document page. */
const returnTo = z.enum(['request', 'document']).default('document')

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
        schema: { hide: true, params, body: z.object({ ...csrfField, returnTo }) },
        handler: async (request, reply) => {
          const document = await setPublished(ctx, signedIn(request), request.params.id, published)
          const target =
            request.body.returnTo === 'request' ? `/requests/${document.requestId}#documents` : `/documents/${document.id}#review`
          return reply.redirect(target, 303)
        },
      })
    }
  }
