import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { NotFoundError, RuleViolationError } from '../../errors.js'
import { problemResponses } from '../../http/problem.js'
import { findAgency } from '../agencies/agencies.repository.js'
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.js'
import { findVisibleRequest } from '../requests/request-access.js'
import { letterRequestOf, renderLetterFor, replyAddressOf } from '../requests/request-letters.js'
import { type LetterTemplate, TEMPLATE_KINDS } from './template.types.js'

const templateSchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    description: z.string(),
    kind: z.enum(TEMPLATE_KINDS),
    variables: z.array(z.object({ name: z.string(), description: z.string(), required: z.boolean(), default: z.string().nullable() })),
  })
  .meta({ id: 'Template' })

const slugParams = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,100}$/, 'must be a template slug') })

const renderBody = z.strictObject({
  agencyId: z.uuid(),
  variables: z.record(z.string().max(100), z.unknown()).optional(),
  requestId: z.uuid().optional().describe('For follow-up and appeal templates: the request the letter is about'),
})

// Shown in previews made without an account; the saved letter uses the requester's own details.
const PREVIEW_REQUESTER = { name: 'Your Name', email: 'you@example.org', mailingAddress: null }

function summary(template: LetterTemplate) {
  const { slug, title, description, kind, variables } = template
  return { slug, title, description, kind, variables }
}

export const templateRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const requireTemplate = (slug: string) => {
      const template = ctx.templates.get(slug)
      if (!template) throw new NotFoundError('Template', slug)
      return template
    }

    app.get('/v1/templates', {
      config: { access: 'public' },
      schema: { tags: ['templates'], summary: 'Letter templates', response: { 200: z.array(templateSchema), ...problemResponses } },
      handler: async () => ctx.templates.list().map(summary),
    })

    app.get('/v1/templates/:slug', {
      config: { access: 'public' },
      schema: {
        tags: ['templates'],
        summary: 'One letter template',
        params: slugParams,
        response: { 200: templateSchema, ...problemResponses },
      },
      handler: async (request) => summary(requireTemplate(request.params.slug)),
    })

    app.post('/v1/templates/:slug/render', {
      config: { access: 'public' },
      schema: {
        tags: ['templates'],
        summary: 'Preview a letter for an agency; nothing is saved',
        params: slugParams,
        body: renderBody,
        response: { 200: z.object({ subject: z.string(), body: z.string() }), ...problemResponses },
      },
      handler: async (request) => {
        const template = requireTemplate(request.params.slug)
        const agency = await findAgency(ctx.db, request.body.agencyId)
        if (!agency)
          throw new RuleViolationError(`Agency ${request.body.agencyId} does not exist.`, [
            { path: 'body.agencyId', message: 'Unknown agency' },
          ])
        const jurisdiction = (await findJurisdiction(ctx.db, agency.state))!
        let letterRequest = null
        // A follow-up or appeal asks for the answer at the request's own address, as its letter did.
        let replyTo: string | null = null
        if (template.kind !== 'request') {
          if (!request.body.requestId || !request.user) {
            throw new RuleViolationError(
              `A ${template.kind.replace('_', '-')} letter is about one of your requests: sign in and give its requestId.`,
              [{ path: 'body.requestId', message: 'Required for this template' }],
            )
          }
          const found = await findVisibleRequest(ctx.db, request.user, request.body.requestId)
          letterRequest = letterRequestOf(found)
          replyTo = replyAddressOf(ctx.config.replyDomain, found.request)
        }
        const { subject, body } = renderLetterFor(ctx, {
          template,
          agency,
          jurisdiction,
          requester: { ...(request.user ?? PREVIEW_REQUESTER), replyTo },
          variables: request.body.variables ?? {},
          request: letterRequest,
        })
        return { subject, body }
      },
    })
  }
