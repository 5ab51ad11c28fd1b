import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { type Logger, pino } from 'pino'
import type { Clock } from '../../src/adapters/clock.js'
import type { DnsResolver } from '../../src/adapters/mail-auth.js'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { type AppContext, createContext } from '../../src/context.js'
import { createTestDatabase } from './database.js'
import { zoneResolver } from './dns-zone.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TestApp {
  app: FastifyInstance
  ctx: AppContext
  config: Config
}

/** A fully wired app on its own cloned database; torn down with the test. */
export async function buildTestApp(
  t: Teardown,
  options: { env?: Record<string, string>; clock?: Clock; logger?: Logger; dnsResolver?: DnsResolver } = {},
): Promise<TestApp> {
  const database = await createTestDatabase()
  t.teardown(() => database.drop())
  const storageDir = await mkdtemp(join(tmpdir(), 'rr-test-storage-'))
  t.teardown(() => rm(storageDir, { recursive: true, force: true }))
  const config = loadConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://records.test',
    REPLY_DOMAIN: 'replies.records.test',
    // Each test file gets its own BullMQ key space in the shared Redis.
    QUEUE_PREFIX: `rrtest-${database.name}`,
    STORAGE_DIR: storageDir,
    ...options.env,
  })
  const ctx = await createContext(config, {
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: options.clock,
    // Mail authentication never leaves the machine in tests: an empty zone unless the test gives one.
    dnsResolver: options.dnsResolver ?? zoneResolver(),
  })
  t.teardown(async () => {
    await ctx.deliveries.queue.obliterate({ force: true }).catch(() => {})
    await ctx.extractions.queue.obliterate({ force: true }).catch(() => {})
    await ctx.accountEmails.queue.obliterate({ force: true }).catch(() => {})
    await ctx.ingests.queue.obliterate({ force: true }).catch(() => {})
    await ctx.close()
  })
  const app = await buildApp(ctx)
  t.teardown(() => app.close())
  await app.ready()
  return { app, ctx, config }
}

/** A clock tests can set and move. */
export function manualClock(start: string | Date): Clock & { set(at: string | Date): void; advance(ms: number): void } {
  let now = new Date(start)
  return {
    now: () => new Date(now),
    set: (at) => {
      now = new Date(at)
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms)
    },
  }
}

export interface TestUser {
  id: string
  token: string
  role: 'admin' | 'member'
  headers: { authorization: string }
}

let userCounter = 0
// The admin each app's first sign-up made: later test users are created through its token, since a
// public sign-up sends the token by email instead of answering it.
const adminOf = new WeakMap<FastifyInstance, TestUser>()

/** The app's first call creates the admin; later ones create members as that admin, each answering 201 with the token. */
export async function signUp(
  app: FastifyInstance,
  fields: { email?: string; name?: string; mailingAddress?: string } = {},
): Promise<TestUser> {
  userCounter += 1
  const admin = adminOf.get(app)
  const response = await app.inject({
    method: 'POST',
    url: '/v1/users',
    headers: admin?.headers,
    payload: {
      email: fields.email ?? `user${userCounter}@example.org`,
      name: fields.name ?? `User ${userCounter}`,
      mailingAddress: fields.mailingAddress,
    },
  })
  if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`)
  const body = response.json()
  const user: TestUser = { id: body.user.id, token: body.token, role: body.user.role, headers: { authorization: `Bearer ${body.token}` } }
  if (!admin) adminOf.set(app, user)
  return user
}

export async function findAgencyId(app: FastifyInstance, query: string): Promise<string> {
  const response = await app.inject({ method: 'GET', url: `/v1/agencies?${query}` })
  const id = response.json().items?.[0]?.id
  if (!id) throw new Error(`no agency for ${query}: ${response.body}`)
  return id
}

/** A request by `user` to the Spokane Police Department, filed through the agency's portal: a request documents can be uploaded to. */
export async function fileRequest(app: FastifyInstance, user: TestUser): Promise<{ id: string }> {
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const request = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  const filed = await app.inject({
    method: 'POST',
    url: `/v1/requests/${request.id}/submit`,
    headers: user.headers,
    payload: { via: 'portal' },
  })
  if (filed.statusCode !== 200) throw new Error(`filing failed: ${filed.statusCode} ${filed.body}`)
  return { id: request.id as string }
}
