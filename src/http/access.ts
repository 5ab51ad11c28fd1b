import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { NotAllowedError, NotAuthenticatedError } from '../errors.js'
import { type AuthUser, authenticate, findSessionUser } from '../modules/accounts/accounts.service.js'

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

/**
 * Whether a web session may act for this request: on pages (whose forms carry CSRF tokens), and on
 * the API only to read (GET, HEAD: a page links to a private document's file). A cookie never
 * changes anything through the API, so the API needs no CSRF tokens.
 */
function sessionApplies(request: FastifyRequest): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true
  return !/^\/v1(\/|\?|$)/.test(request.url)
}

async function sessionUser(deps: { db: AppContext['db'] }, request: FastifyRequest): Promise<AuthUser | null> {
  const userId = request.session?.get('userId')
  if (typeof userId !== 'string' || !sessionApplies(request)) return null
  const user = await findSessionUser(deps, userId)
  // The account is gone: so is its session.
  if (!user) request.session.delete()
  return user
}

/** Authenticates on every request, before the body is read, and enforces the route's declared access. */
export function registerAccessControl(app: FastifyInstance, ctx: AppContext): void {
  const deps = { db: ctx.db, clock: ctx.clock, signup: ctx.config.signup }
  app.decorateRequest('user', null)
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'public'
    if (access === 'inbound-token') return
    request.user = (await authenticate(deps, request.headers.authorization)) ?? (await sessionUser(deps, request))
    if (access === 'public') return
    if (!request.user) throw new NotAuthenticatedError()
    if (access === 'admin' && request.user.role !== 'admin') throw new NotAllowedError('Only administrators may do this.')
  })
}
