import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { signedIn } from '../../http/access.js'
import { pageSchema } from '../../http/pagination.js'
import { problemResponses, rateLimitedResponses } from '../../http/problem.js'
import { renderRequestPdf } from './request-letters.js'
import {
  bulkSubmitBody,
  bulkSubmitResponse,
  createEventBody,
  createRequestBody,
  eventSchema,
  requestListQuery,
  requestParams,
  requestSchema,
  submitRequestBody,
  updateRequestBody,
} from './requests.schemas.js'
import * as requests from './requests.service.js'

export const requestRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/requests', {
      config: { access: 'user' },
      schema: {
        tags: ['requests'],
        summary: 'Start a request: renders the letter from a template into a draft',
        body: createRequestBody,
        response: { 201: requestSchema, ...problemResponses },
      },
      handler: async (request, reply) => reply.code(201).send(await requests.createRequest(ctx, signedIn(request), request.body)),
    })

    app.get('/v1/requests', {
      config: { access: 'user' },
      schema: {
        tags: ['requests'],
        summary: 'The caller’s requests, newest first (admins see all)',
        querystring: requestListQuery,
        response: { 200: pageSchema(requestSchema), ...problemResponses },
      },
      handler: async (request) => requests.listRequests(ctx, signedIn(request), request.query),
    })

    app.get('/v1/requests/:id', {
      config: { access: 'user' },
      schema: { tags: ['requests'], summary: 'One request', params: requestParams, response: { 200: requestSchema, ...problemResponses } },
      handler: async (request) => requests.getRequest(ctx, signedIn(request), request.params.id),
    })

    app.patch('/v1/requests/:id', {
      config: { access: 'user' },
      schema: {
        tags: ['requests'],
        summary: 'Edit the letter or re-render it from new variables (drafts only), visibility, tracking number or automatic follow-ups',
        params: requestParams,
        body: updateRequestBody,
        response: { 200: requestSchema, ...problemResponses },
      },
      handler: async (request) => requests.updateRequest(ctx, signedIn(request), request.params.id, request.body),
    })

    app.delete('/v1/requests/:id', {
      config: { access: 'user' },
      schema: {
        tags: ['requests'],
        summary: 'Delete a draft (requester or admin); a filed request cannot be deleted (409)',
        params: requestParams,
        response: { 204: z.undefined(), ...problemResponses },
      },
      handler: async (request, reply) => {
        await requests.deleteDraft(ctx, signedIn(request), request.params.id)
        return reply.code(204).send()
      },
    })

    app.get('/v1/requests/:id/letter.pdf', {
      config: { access: 'user', documentedResponse: { description: 'The letter', contentTypes: ['application/pdf'] } },
      schema: {
        tags: ['requests'],
        summary: 'The letter as a PDF, as it was (or will be) sent',
        params: requestParams,
        produces: ['application/pdf'],
        response: { 200: z.any().describe('application/pdf'), ...problemResponses },
      },
      handler: async (request, reply) => {
        const { pdf, filename } = await renderRequestPdf(ctx, signedIn(request), request.params.id)
        return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).send(pdf)
      },
    })

    app.post('/v1/requests/:id/submit', {
      config: { access: 'user', rateLimited: 'sending' },
      schema: {
        tags: ['requests'],
        summary: 'Mark the request filed; computes its statutory due date',
        description:
          'With via "email" the letter is emailed to the agency with the PDF attached (202: delivery happens in the background), only to an address an administrator approved (422 otherwise: file through the portal or by mail). Members may send AGENCY_EMAILS_PER_USER_PER_DAY emails to agencies in any 24 hours, accounts younger than NEW_ACCOUNT_DAYS NEW_ACCOUNT_AGENCY_EMAILS_PER_DAY; beyond that the answer is 429 with Retry-After, saying how many are left and when the call fits.',
        params: requestParams,
        body: submitRequestBody,
        response: { 200: requestSchema, 202: requestSchema, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => {
        const submitted = await requests.submitRequest(ctx, signedIn(request), request.params.id, request.body)
        return reply.code(request.body.via === 'email' ? 202 : 200).send(submitted)
      },
    })

    app.post('/v1/requests/submit', {
      config: { access: 'user', rateLimited: 'sending' },
      schema: {
        tags: ['requests'],
        summary: 'File many drafts at once (the same letter to many agencies); all or none',
        description:
          'Each draft is submitted as by POST /v1/requests/{id}/submit. When any id is unknown, another user’s, not a draft, or (with via "email") has an agency without an email address or whose address waits for an administrator’s approval, nothing is submitted and the problem names each offending id. With via "email" the whole batch counts against the member’s daily allowance of emails to agencies (429 with Retry-After when it does not fit; 422 when it is larger than a day’s allowance).',
        body: bulkSubmitBody,
        response: { 200: bulkSubmitResponse, 202: bulkSubmitResponse, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => {
        const items = await requests.submitRequests(ctx, signedIn(request), request.body)
        return reply.code(request.body.via === 'email' ? 202 : 200).send({ items })
      },
    })

    app.post('/v1/requests/:id/events', {
      config: { access: 'user' },
      schema: {
        tags: ['requests'],
        summary: 'Log what the agency did (or a note); 409 when the status does not allow it',
        params: requestParams,
        body: createEventBody,
        response: { 201: eventSchema, ...problemResponses },
      },
      handler: async (request, reply) =>
        reply.code(201).send(await requests.addEvent(ctx, signedIn(request), request.params.id, request.body)),
    })

    app.get('/v1/requests/:id/events', {
      config: { access: 'user' },
      schema: {
        tags: ['requests'],
        summary: 'The timeline, oldest first',
        params: requestParams,
        response: { 200: z.array(eventSchema), ...problemResponses },
      },
      handler: async (request) => requests.listEvents(ctx, signedIn(request), request.params.id),
    })
  }
