import postgres from 'postgres'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { startPrivateRedis } from '../helpers/private-redis.js'

const NO_RATE_LIMIT = { RATE_LIMIT_SEARCH_PER_IP: 'off', RATE_LIMIT_SEARCH_PER_USER: 'off' }

t.test('a query with too many terms is refused, naming q', async (t) => {
  const { app } = await buildTestApp(t)
  const negations = Array.from({ length: 40 }, (_, n) => `-n${n + 1}`).join(' ')
  const response = await app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(negations)}` })
  t.equal(response.statusCode, 400)
  t.same(response.json().errors, [{ path: 'querystring.q', message: 'must have at most 20 terms' }])
  const twenty = Array.from({ length: 20 }, (_, n) => `word${n}`).join(' ')
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(`"${twenty}"`)}` })).statusCode,
    200,
    'a 20-word phrase is fine',
  )
})

t.test('search runs on its own few connections, and a statement past the timeout is a 503 while the rest answers', async (t) => {
  const { app, config } = await buildTestApp(t, {
    env: { SEARCH_POOL_SIZE: '2', SEARCH_STATEMENT_TIMEOUT_MS: '300', SEARCH_CACHE_SECONDS: '0', ...NO_RATE_LIMIT },
  })
  // A transaction holding document_pages keeps every search waiting, as a very costly one would.
  const locker = postgres(config.databaseUrl, { max: 2, onnotice: () => {} })
  t.teardown(() => locker.end({ timeout: 5 }))
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let locked!: () => void
  const isLocked = new Promise<void>((resolve) => (locked = resolve))
  const holder = locker.begin(async (tx) => {
    await tx`lock table document_pages in access exclusive mode`
    locked()
    await released
  })
  await isLocked

  const searches = Array.from({ length: 6 }, (_, n) => app.inject({ method: 'GET', url: `/v1/search?q=portal${n}` }))
  await new Promise((resolve) => setTimeout(resolve, 100))
  const [{ n: searchConnections }] =
    (await locker`select count(*)::int as n from pg_stat_activity where application_name = 'ring-records-search'`) as unknown as [
      { n: number },
    ]
  t.ok(searchConnections <= 2, `${searchConnections} search connections`)
  const started = performance.now()
  const agencies = await app.inject({ method: 'GET', url: '/v1/agencies?state=WA' })
  t.equal(agencies.statusCode, 200, 'other routes still answer')
  t.ok(performance.now() - started < 1_000, 'and at once')

  for (const response of await Promise.all(searches)) {
    t.equal(response.statusCode, 503)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(response.json(), { type: '/problems/search-timeout', status: 503, detail: /took longer than 0.3 s/ })
  }
  release()
  await holder
  t.equal((await app.inject({ method: 'GET', url: '/v1/search?q=portal' })).statusCode, 200, 'search answers again once the cause is gone')
})

t.test('the search cache stays within its budget in a noeviction Redis', async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const maxBytes = 128 * 1024
  const { app, ctx, config } = await buildTestApp(t, {
    env: {
      REDIS_URL: redis.url,
      SEARCH_CACHE_MIN_MS: '0',
      SEARCH_CACHE_MAX_BYTES: String(maxBytes),
      SEARCH_CACHE_MAX_ENTRY_BYTES: '4096',
      ...NO_RATE_LIMIT,
    },
  })
  const search = (q: string) => app.inject({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(q)}` })
  t.equal((await search('warm up')).statusCode, 200)
  const before = await redis.usedMemory()
  for (let n = 0; n < 600; n += 1) {
    const response = await search(`distinct search number ${n} ${'padding'.repeat(n % 7)}`)
    if (response.statusCode !== 200) t.fail(`search ${n}: ${response.statusCode}`)
  }
  const entries = await ctx.redis.keys(`${config.queuePrefix}:search:*`)
  const counted = Number(await ctx.redis.get(`${config.queuePrefix}:search-cache:bytes`))
  t.ok(counted <= maxBytes, `the cache counts ${counted} bytes`)
  t.ok(entries.length > 30 && entries.length < 600, `${entries.length} entries kept of 1,800 written`)
  t.equal(
    await ctx.redis.zcard(`${config.queuePrefix}:search-cache:index`),
    entries.length,
    'the index lists exactly the entries there are',
  )
  const meta = ['index', 'sizes', 'bytes'].map((part) => `${config.queuePrefix}:search-cache:${part}`)
  let usage = 0
  for (const key of [...entries, ...meta]) usage += Number(await ctx.redis.memory('USAGE', key))
  t.ok(usage <= maxBytes, `Redis's own measure of the cache's keys: ${usage} bytes`)
  // The rest of the growth is Redis's fixed costs (client buffers, the script cache, hash tables), not per search.
  const growth = (await redis.usedMemory()) - before
  t.ok(growth < 2 * maxBytes, `Redis grew by ${growth} bytes`)
})
