import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { signedIn } from '../../http/access.js'
import { problemResponses, rateLimitedResponses } from '../../http/problem.js'
import {
  signUpBody,
  signUpPendingResponse,
  signUpResponse,
  tokenParams,
  tokenResponse,
  updateMeBody,
  userSchema,
} from './accounts.schemas.js'
import * as accounts from './accounts.service.js'

export const accountRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { db: ctx.db, clock: ctx.clock, signup: ctx.config.signup, accountEmails: ctx.accountEmails }

    app.post('/v1/users', {
      config: { access: 'public', rateLimited: 'signup' },
      schema: {
        tags: ['accounts'],
        summary:
          'Sign up. The first user becomes admin and gets the token here, as do accounts an admin creates; anyone else gets it by email (202).',
        description:
          'The token is shown only once. A public sign-up answers 202 alike for a new address and for one that already has an account, so it never tells which addresses have accounts: a new account gets its token by email, an existing one a new token (token recovery).',
        body: signUpBody,
        response: { 201: signUpResponse, 202: signUpPendingResponse, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => {
        const result = await accounts.signUp(deps, request.user, request.body)
        if (result.status === 'created') return reply.code(201).send({ user: result.user, token: result.token })
        return reply.code(202).send({ status: 'pending', detail: `Check your inbox: we sent the token to ${result.email}.` })
      },
    })

    app.get('/v1/me', {
      config: { access: 'user' },
      schema: { tags: ['accounts'], summary: 'The caller', response: { 200: userSchema, ...problemResponses } },
      handler: async (request) => signedIn(request),
    })

    app.patch('/v1/me', {
      config: { access: 'user' },
      schema: {
        tags: ['accounts'],
        summary: 'Update the caller’s name, mailing address, or mute all reminders',
        body: updateMeBody,
        response: { 200: userSchema, ...problemResponses },
      },
      handler: async (request) => accounts.updateMe(ctx, signedIn(request), request.body),
    })

    app.post('/v1/tokens', {
      config: { access: 'user', rateLimited: 'tokens' },
      schema: {
        tags: ['accounts'],
        summary: 'Issue another token for the caller',
        response: { 201: tokenResponse, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => reply.code(201).send(await accounts.createToken(deps, signedIn(request))),
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
        await accounts.revokeToken(deps, signedIn(request), request.params.id)
        return reply.code(204).send()
      },
    })
  }
