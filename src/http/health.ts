import { sql } from 'drizzle-orm'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../context.js'

const CHECK_TIMEOUT_MS = 2_000
const checkState = z.enum(['ok', 'error'])
const healthSchema = z.object({
  status: checkState,
  checks: z.object({
    postgres: checkState,
    redis: checkState,
    ocr: z.enum(['ok', 'unavailable']).describe('Whether pages without a text layer can be OCRed here; they wait for OCR otherwise'),
  }),
})

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'error'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)
  })
  try {
    await Promise.race([probe(), timeout])
    return 'ok'
  } catch {
    return 'error'
  } finally {
    clearTimeout(timer)
  }
}

export const healthRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/health', {
      config: { access: 'public' },
      schema: {
        tags: ['service'],
        summary: 'Liveness of the API and its dependencies',
        response: { 200: healthSchema, 503: healthSchema },
      },
      handler: async (_request, reply) => {
        const [postgres, redis, ocr] = await Promise.all([
          check(() => ctx.db.execute(sql`select 1`)),
          check(() => ctx.redis.ping()),
          ctx.ocr.available().then((available) => (available ? ('ok' as const) : ('unavailable' as const))),
        ])
        // Without OCR the service works; only scanned pages wait. So it does not fail the check.
        const healthy = postgres === 'ok' && redis === 'ok'
        return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'error', checks: { postgres, redis, ocr } })
      },
    })
  }
