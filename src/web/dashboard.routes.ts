import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'
import { signedIn } from '../http/access.js'
import { statusLabel } from '../modules/requests/request-status.js'
import { listRequests, type RequestView } from '../modules/requests/requests.service.js'
import { groupByAttention } from './dashboard.js'
import { renderPage } from './render.js'

/** A dashboard lists at most this many requests (pages of 100); a campaign-sized list goes to the API. */
const LIST_PAGE = 100
const LIST_PAGES = 10

function summary(request: RequestView) {
  return {
    id: request.id,
    subject: request.subject,
    agency: request.agency.name,
    status: request.status,
    statusLabel: statusLabel(request.status),
    dueDate: request.dueDate,
    overdue: request.overdue,
    unreadMessages: request.unreadMessages,
  }
}

/** /me: the signed-in user's requests, what needs action first (same listing as GET /v1/requests). */
export const dashboardPages =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/me', {
      config: { access: 'user' },
      schema: { hide: true, querystring: z.object({}) },
      handler: async (request, reply) => {
        const user = signedIn(request)
        const all: RequestView[] = []
        let cursor: string | undefined
        let more = false
        for (let page = 0; page < LIST_PAGES; page++) {
          const found = await listRequests(ctx, user, { limit: LIST_PAGE, cursor }, { own: true })
          all.push(...found.items)
          cursor = found.nextCursor ?? undefined
          more = cursor !== undefined
          if (!more) break
        }
        const requests = all.map(summary)
        const groups = groupByAttention(requests, ctx.clock.now().toISOString().slice(0, 10))
        return renderPage(request, reply, 'dashboard', {
          title: 'Your requests',
          name: user.name,
          groups,
          needsAction: Object.values(groups).some((group) => group.length > 0),
          requests,
          more,
        })
      },
    })
  }
