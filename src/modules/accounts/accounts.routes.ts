import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { problemResponses, rateLimitedResponses } from '../../http/problem.js'
import { signUpBody, signUpResponse, tokenParams, tokenResponse, updateMeBody, userSchema } from './accounts.schemas.js'
import * as accounts from './accounts.service.js'

export const accountRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { db: ctx.db, clock: ctx.clock, signup: ctx.config.signup }

    app.post('/v1/users', {
      config: { access: 'public', rateLimited: 'signup' },
      schema: {
        tags: ['accounts'],
        summary: 'Sign up; the first user becomes admin. The token is shown only once.',
        body: signUpBody,
        response: { 201: signUpResponse, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => reply.code(201).send(await accounts.signUp(deps, request.user, request.body)),
    })

    app.get('/v1/me', {
      config: { access: 'user' },
      schema: { tags: ['accounts'], summary: 'The caller', response: { 200: userSchema, ...problemResponses } },
      handler: async (request) => request.user!,
    })

    app.patch('/v1/me', {
      config: { access: 'user' },
      schema: {
        tags: ['accounts'],
        summary: 'Update the caller’s name, mailing address, or mute all reminders',
        body: updateMeBody,
        response: { 200: userSchema, ...problemResponses },
      },
      handler: async (request) => accounts.updateMe(ctx, request.user!, request.body),
    })

    app.post('/v1/tokens', {
      config: { access: 'user', rateLimited: 'tokens' },
      schema: {
        tags: ['accounts'],
        summary: 'Issue another token for the caller',
        response: { 201: tokenResponse, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => reply.code(201).send(await accounts.createToken(deps, request.user!)),
    })

    app.delete('/v1/tokens/:id', {
      config: { access: 'user' },
      schema: {
        tags: ['accounts'],
        summary: 'Revoke one of the caller’s tokens',
        params: tokenParams,
        response: { 204: z.undefined(), ...problemResponses },
      },
      handler: async (request, reply) => {
        await accounts.revokeToken(deps, request.user!, request.params.id)
        return reply.code(204).send()
      },
    })
  }
