import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { signedIn } from '../http/access.js'
import type { AuthUser } from '../modules/accounts/accounts.service.js'
import * as accounts from '../modules/accounts/accounts.service.js'
import { csrfField } from './form-fields.js'
import { renderPage } from './render.js'

/** /me/tokens: the caller's API tokens, a new one shown once, revoking one. */
export const tokenPages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { db: ctx.db, clock: ctx.clock, signup: ctx.config.signup }

    async function tokensView(user: AuthUser, newToken: { id: string; token: string } | null) {
      const tokens = await accounts.listTokens(deps, user)
      return {
        title: 'API tokens',
        newToken,
        tokens: tokens.map((token) => ({
          id: token.id,
          createdAt: token.createdAt.toISOString(),
          lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
        })),
      }
    }

    app.get('/me/tokens', {
      config: { access: 'user' },
      schema: { hide: true },
      handler: async (request, reply) => renderPage(request, reply, 'tokens', await tokensView(signedIn(request), null)),
    })

    app.post('/me/tokens', {
      config: { access: 'user', rateLimited: 'tokens' },
      preHandler: app.csrfProtection,
      schema: { hide: true, body: z.object(csrfField) },
      handler: async (request, reply) => {
        const user = signedIn(request)
        const created = await accounts.createToken(deps, user)
        return renderPage(request, reply, 'tokens', await tokensView(user, created), 201)
      },
    })

    app.post('/me/tokens/:id/revoke', {
      config: { access: 'user' },
      preHandler: app.csrfProtection,
      schema: { hide: true, params: z.object({ id: z.uuid() }), body: z.object(csrfField) },
      handler: async (request, reply) => {
        await accounts.revokeToken(deps, signedIn(request), request.params.id)
        return reply.redirect('/me/tokens', 303)
      },
    })
  }
