import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { signedIn } from '../../http/access.js'
import { problemResponses } from '../../http/problem.js'
import { findChangeableRequest } from '../requests/request-access.js'
import { requestParams } from '../requests/requests.schemas.js'
import { type DeliveryRow, listRemindersOf } from './deliveries.repository.js'
import { reminderSchema } from './reminders.schemas.js'

function toReminder(row: DeliveryRow) {
  return {
    id: row.id,
    kind: row.kind as z.infer<typeof reminderSchema>['kind'],
    recipient: row.recipient,
    sendAt: row.sendAt.toISOString(),
    // A claimed row is still on its way; the contract knows it as scheduled.
    status: row.status === 'sending' ? ('scheduled' as const) : row.status,
    sentAt: row.sentAt?.toISOString() ?? null,
    dueDate: row.dueDate,
    attempts: row.attempts,
    lastError: row.lastError,
  }
}

export const reminderRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/v1/requests/:id/reminders', {
      config: { access: 'user' },
      schema: {
        tags: ['reminders'],
        summary: 'Every reminder of a request with its send time and status, in send order',
        params: requestParams,
        response: { 200: z.array(reminderSchema), ...problemResponses },
      },
      handler: async (request) => {
        await findChangeableRequest(ctx.db, signedIn(request), request.params.id)
        return (await listRemindersOf(ctx.db, [request.params.id])).map(toReminder)
      },
    })
  }
