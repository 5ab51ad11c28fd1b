import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { RateLimitedError } from '../errors.js'
import { toProblem } from '../http/error-handler.js'
import type { Problem } from '../http/problem.js'

const ERROR_TITLES: Record<number, string> = {
  400: 'That did not work',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'Not ready yet',
  413: 'Too large',
  415: 'Unsupported file',
  422: 'That did not work',
  429: 'Too many tries',
  503: 'Try again shortly',
}

const CSRF_REFUSED =
  'This form did not come from this site, or it was opened in a session that has ended. Go back, reload the page and try again.'

/**
 * Renders a view inside the layout. Every page gets `me` (the signed-in user or null), `csrfToken`
 * for the layout's sign-out form (null when signed out, so anonymous readers get no cookie), and
 * `title`. Pages may hold personal data and CSRF tokens: none is cached.
 */
export async function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  data: Record<string, unknown> & { title: string },
  status = 200,
): Promise<FastifyReply> {
  const me = request.user ? { name: request.user.name, email: request.user.email } : null
  const html = await reply.viewAsync(view, { me, csrfToken: me ? reply.generateCsrf() : null, ...data })
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html)
}

export function renderErrorPage(request: FastifyRequest, reply: FastifyReply, problem: Problem): Promise<FastifyReply> {
  const title = ERROR_TITLES[problem.status] ?? (problem.status >= 500 ? 'Something went wrong' : 'That did not work')
  return renderPage(request, reply, 'error', { title, detail: problem.detail, errors: problem.errors ?? [] }, problem.status)
}

/**
 * Errors on pages: the same status and words as the API's problem documents, as a page. A page
 * that needs a signed-in user sends a signed-out reader to /login, to come back afterwards.
 */
export async function pageErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error)
  if (problem.status === 401 && (request.method === 'GET' || request.method === 'HEAD')) {
    return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
  }
  if (problem.status >= 500) request.log.error({ err: error }, 'page failed')
  if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds))
  if (problem.status === 401) {
    return renderErrorPage(request, reply, {
      ...problem,
      detail: 'You are not signed in, or your session has ended. Sign in and try again.',
    })
  }
  if (error.code?.startsWith('FST_CSRF_')) {
    // A form from another site, or one whose session has ended.
    return renderErrorPage(request, reply, { ...problem, detail: CSRF_REFUSED })
  }
  return renderErrorPage(request, reply, problem)
}

export function pageNotFound(request: FastifyRequest, reply: FastifyReply) {
  return renderErrorPage(request, reply, {
    type: '/problems/not-found',
    title: 'Not found',
    status: 404,
    detail: `There is no page at ${request.url.split('?')[0]}.`,
  })
}
