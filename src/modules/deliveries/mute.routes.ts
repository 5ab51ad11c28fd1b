import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { NotFoundError } from '../../errors.js'
import { problemResponses } from '../../http/problem.js'
import { contentSecurityDirectives, styleHash } from '../../http/security-headers.js'
import { findRequests, type RequestWithAgency, updateRequest } from '../requests/requests.repository.js'
import { escapeHtml } from '../search/snippet.js'
import { syncReminders } from './reminder-schedule.service.js'

const muteParams = z.object({ id: z.uuid() })
const muteQuery = z.object({
  token: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be the token from the email')
    .describe('The secret from the link in a reminder email'),
})

function sameToken(expected: string, given: string): boolean {
  return expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given))
}

// The page's only style, admitted by its hash: the site's policy allows no inline style otherwise.
const PAGE_STYLE = 'body{font-family:sans-serif;max-width:36em;margin:3em auto}'

const page = (body: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>Reminders</title><style>${PAGE_STYLE}</style><body>${body}</body></html>`

/**
 * One-click muting from a reminder email without signing in. GET only shows a button (mail
 * scanners follow links); the POST mutes, and is what RFC 8058 List-Unsubscribe-Post clients send.
 */
export const muteRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    // A mail client's one-click POST (RFC 8058) and the page's button send a form body,
    // `List-Unsubscribe=One-Click`; it carries nothing the route needs, so it is accepted and ignored.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, _body, done) =>
      done(null, {}),
    )
    const helmet = {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: contentSecurityDirectives(ctx.config.publicUrl, { styleHashes: [styleHash(PAGE_STYLE)] }),
      },
    }

    async function findByToken(id: string, token: string) {
      const [found] = await findRequests(ctx.db, [id])
      if (!found || !sameToken(found.request.muteToken, token)) throw new NotFoundError('Request', id)
      return found
    }

    /** Which request the page is about, in words: its subject and agency (escaped). */
    const about = ({ request, agency }: RequestWithAgency) =>
      `<p>Your request “${escapeHtml(request.subject)}” to the ${escapeHtml(agency.name)}.</p>`

    app.get('/v1/requests/:id/mute', {
      config: { access: 'public', documentedResponse: { description: 'An HTML page', contentTypes: ['text/html'] } },
      helmet,
      schema: {
        tags: ['reminders'],
        summary: 'The page behind the mute link in reminder emails (a button that POSTs)',
        params: muteParams,
        querystring: muteQuery,
        produces: ['text/html'],
        response: { 200: z.string(), ...problemResponses },
      },
      handler: async (request, reply) => {
        const found = await findByToken(request.params.id, request.query.token)
        return reply
          .type('text/html; charset=utf-8')
          .send(
            page(
              `${about(found)}<p>Stop the reminder emails for this request?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Mute reminders</button></form>`,
            ),
          )
      },
    })

    app.post('/v1/requests/:id/mute', {
      config: { access: 'public', documentedResponse: { description: 'An HTML page', contentTypes: ['text/html'] } },
      helmet,
      schema: {
        tags: ['reminders'],
        summary: 'Mute a request’s reminders with the token from a reminder email',
        params: muteParams,
        querystring: muteQuery,
        response: { 200: z.string(), ...problemResponses },
      },
      handler: async (request, reply) => {
        const found = await findByToken(request.params.id, request.query.token)
        const id = found.request.id
        const queue = await ctx.db.transaction(async (tx) => {
          await updateRequest(tx, id, { remindersMuted: true })
          return syncReminders(ctx, tx, await findRequests(tx, [id]))
        })
        await ctx.deliveries.enqueue(queue)
        return reply.type('text/html; charset=utf-8').send(page(`${about(found)}<p>Reminders for this request are muted.</p>`))
      },
    })
  }
