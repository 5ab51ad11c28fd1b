import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { SUBMISSION_CHANNELS } from '../db/schema/requests.js'
import { InvalidInputError } from '../errors.js'
import { signedIn } from '../http/access.js'
import { getAgency } from '../modules/agencies/agencies.service.js'
import { findJurisdiction } from '../modules/jurisdictions/jurisdictions.repository.js'
import { renderLetterFor } from '../modules/requests/request-letters.js'
import { createRequestBody, submitRequestBody, updateRequestBody } from '../modules/requests/requests.schemas.js'
import { createRequest, submitRequest, updateRequest } from '../modules/requests/requests.service.js'
import { csrfField, fieldErrors, letterFormFields, VARIABLE_PREFIX, variablesOf } from './form-fields.js'
import { renderPage } from './render.js'
import { occurredAtOf } from './request-page.js'

const params = z.object({ id: z.uuid() })

/**
 * Composing a request (/requests/new?agencyId=): choose a template, fill its variables, preview
 * the letter (a GET: nothing is saved), save the draft; and on a draft's page, edit and file it.
 * Same services as POST /v1/requests, PATCH and submit.
 */
export const composePages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const requestTemplates = () => ctx.templates.list().filter((template) => template.kind === 'request')

    app.get('/requests/new', {
      config: { access: 'user' },
      schema: { hide: true, querystring: letterFormFields },
      handler: async (request, reply) => {
        const fields = request.query
        const agencyId = z.uuid().safeParse(fields.agencyId)
        if (!agencyId.success) {
          return renderPage(request, reply, 'compose', { title: 'New request', agency: null })
        }
        const agency = await getAgency(ctx.db, agencyId.data)
        const templates = requestTemplates()
        const template = templates.find((candidate) => candidate.slug === fields.template) ?? templates[0]!
        const variables = variablesOf(fields)
        const visibility = fields.visibility === 'private' ? 'private' : 'public'
        let preview: { subject: string; body: string } | null = null
        if (fields.preview) {
          const jurisdiction = (await findJurisdiction(ctx.db, agency.state))!
          const user = signedIn(request)
          preview = renderLetterFor(ctx, {
            template,
            agency,
            jurisdiction,
            requester: { ...user, replyTo: null },
            variables,
            request: null,
          })
        }
        return renderPage(request, reply, 'compose', {
          title: `New request to ${agency.name}`,
          agency: { id: agency.id, name: agency.name, state: agency.state },
          templates: templates.map((candidate) => ({
            slug: candidate.slug,
            title: candidate.title,
            selected: candidate.slug === template.slug,
          })),
          template: {
            slug: template.slug,
            title: template.title,
            description: template.description,
            variables: template.variables.map((variable) => ({
              ...variable,
              field: `${VARIABLE_PREFIX}${variable.name}`,
              value: variables[variable.name] ?? '',
            })),
          },
          private: visibility === 'private',
          preview,
        })
      },
    })

    app.post('/requests', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, body: letterFormFields },
      handler: async (request, reply) => {
        const fields = request.body
        const parsed = createRequestBody.safeParse({
          agencyId: fields.agencyId,
          templateSlug: fields.template,
          variables: variablesOf(fields),
          visibility: fields.visibility,
        })
        if (!parsed.success) throw new InvalidInputError('The request is not valid.', fieldErrors(parsed.error))
        const created = await createRequest(ctx, signedIn(request), parsed.data)
        return reply.redirect(`/requests/${created.id}`, 303)
      },
    })

    app.post('/requests/:id/letter', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params, body: z.object({ ...csrfField, subject: z.string(), body: z.string() }) },
      handler: async (request, reply) => {
        const parsed = updateRequestBody.safeParse({ subject: request.body.subject, body: request.body.body.replaceAll('\r\n', '\n') })
        if (!parsed.success) throw new InvalidInputError('The letter is not valid.', fieldErrors(parsed.error))
        await updateRequest(ctx, signedIn(request), request.params.id, parsed.data)
        return reply.redirect(`/requests/${request.params.id}#letter`, 303)
      },
    })

    app.post('/requests/:id/submit', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: {
        hide: true,
        params,
        body: z.object({
          ...csrfField,
          via: z.enum(SUBMISSION_CHANNELS),
          date: z.preprocess((v) => (v === '' ? undefined : v), z.iso.date().optional()),
        }),
      },
      handler: async (request, reply) => {
        const parsed = submitRequestBody.safeParse({ via: request.body.via, submittedAt: occurredAtOf(request.body.date, ctx.clock.now()) })
        if (!parsed.success) throw new InvalidInputError('The filing is not valid.', fieldErrors(parsed.error))
        await submitRequest(ctx, signedIn(request), request.params.id, parsed.data)
        return reply.redirect(`/requests/${request.params.id}`, 303)
      },
    })
  }
