import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor, normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import type { RateLimit, RateLimitedAction } from '../config.js'
import type { AppContext } from '../context.js'
import { RateLimitedError } from '../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The costly or abusable action the route performs, limited per address and per user (RATE_LIMIT_*). */
    rateLimited?: RateLimitedAction
  }
}

const ACTION_NAMES: Record<RateLimitedAction, string> = {
  signup: 'sign-ups',
  signin: 'sign-in links',
  tokens: 'new tokens',
  search: 'searches',
  uploads: 'uploads',
  agencies: 'new agencies',
  sending: 'submissions',
}

// A fixed window per key: the first hit sets the TTL. A counter that lost its TTL (it cannot, short
// of a manual PERSIST) gets one back, so no client is ever limited for good.
const INCREMENT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { current, ttl }`

/**
 * Counters in the app's Redis under `<QUEUE_PREFIX>:rate-limit:<action>:<ip|user>:<who>`, each
 * expiring with its window. (The plugin's own Redis store names keys after the route it is attached
 * to, which a limiter shared by several routes does not have.)
 */
function redisCounters(redis: Redis, namespace: string): FastifyRateLimitStoreCtor {
  return class RedisCounters implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number) {
      redis.eval(INCREMENT, 1, `${namespace}${key}`, timeWindow).then(
        (result) => {
          const [current, ttl] = result as [number, number]
          callback(null, { current, ttl })
        },
        (error: Error) => callback(error),
      )
    }
    child() {
      return this
    }
  }
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>
type Scope = 'ip' | 'user'

/**
 * Limits each route that declares `config.rateLimited` per client address and, when a bearer token
 * names one, per user: a 429 problem with Retry-After once either is spent. Redis trouble never
 * fails a request; it is logged and the request goes through unlimited.
 */
export async function registerRateLimits(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(rateLimit, { global: false, store: redisCounters(ctx.redis, `${ctx.config.queuePrefix}:rate-limit:`) })
  const limiters = new Map<string, Limiter>()
  const limiterFor = (action: RateLimitedAction, scope: Scope, limit: NonNullable<RateLimit>) => {
    const name = `${action}:${scope}`
    let limiter = limiters.get(name)
    if (!limiter) {
      limiter = app.createRateLimit({
        max: limit.max,
        timeWindow: limit.windowMs,
        keyGenerator: (request) => `${name}:${scope === 'user' ? request.user!.id : normalizeIP(request.ip)}`,
      })
      limiters.set(name, limiter)
    }
    return limiter
  }

  // Added after access control, so the caller is known; before the body is read, so a refused upload costs nothing.
  app.addHook('onRequest', async (request, reply) => {
    const action = request.routeOptions.config.rateLimited
    if (!action) return
    const limits = ctx.config.rateLimits[action]
    const scopes: [Scope, RateLimit][] = [
      ['ip', limits.perIp],
      ['user', request.user ? limits.perUser : null],
    ]
    for (const [scope, limit] of scopes) {
      if (!limit) continue
      const outcome = await count(request, limiterFor(action, scope, limit))
      if (!outcome || outcome.isAllowed || !outcome.isExceeded) continue
      reply.header('x-ratelimit-limit', outcome.max)
      reply.header('x-ratelimit-remaining', 0)
      reply.header('x-ratelimit-reset', outcome.ttlInSeconds)
      const from = scope === 'ip' ? 'this address' : 'this account'
      throw new RateLimitedError(
        `Too many ${ACTION_NAMES[action]} from ${from}: at most ${outcome.max} in ${describeWindow(outcome.timeWindow)}. Try again in ${outcome.ttlInSeconds} s.`,
        outcome.ttlInSeconds,
      )
    }
  })
}

async function count(request: FastifyRequest, limiter: Limiter) {
  try {
    return await limiter(request)
  } catch (error) {
    request.log.warn({ err: error }, 'rate limit not applied: Redis unavailable')
    return null
  }
}

function describeWindow(ms: number): string {
  for (const [unit, size] of [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ] as const) {
    if (ms % size === 0) return ms === size ? `one ${unit}` : `${ms / size} ${unit}s`
  }
  return `${ms / 1000} seconds`
}
