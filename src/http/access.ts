import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { NotAllowedError, NotAuthenticatedError } from '../errors.js'
import { type AuthUser, authenticate } from '../modules/accounts/accounts.service.js'

/** 'inbound-token': called by a mail provider with the shared INBOUND_TOKEN, which the route checks itself (no user token). */
export type Access = 'public' | 'user' | 'admin' | 'inbound-token'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; every route states it. */
    access?: Access
    /** A JSON Schema of a body the handler reads itself (multipart), for the OpenAPI document. */
    documentedBody?: Record<string, unknown>
  }
  interface FastifyRequest {
    user: AuthUser | null
  }
}

/**
 * The caller of a route declared `access: 'user'` or `'admin'`: the access hook has already
 * refused anonymous calls, so this only tells the type system what that hook guarantees.
 */
export function signedIn(request: FastifyRequest): AuthUser {
  if (!request.user) throw new NotAuthenticatedError()
  return request.user
}

/** Authenticates on every request, before the body is read, and enforces the route's declared access. */
export function registerAccessControl(app: FastifyInstance, ctx: AppContext): void {
  const deps = { db: ctx.db, clock: ctx.clock, signup: ctx.config.signup }
  app.decorateRequest('user', null)
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'public'
    if (access === 'inbound-token') return
    request.user = await authenticate(deps, request.headers.authorization)
    if (access === 'public') return
    if (!request.user) throw new NotAuthenticatedError()
    if (access === 'admin' && request.user.role !== 'admin') throw new NotAllowedError('Only administrators may do this.')
  })
}
