import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'

t.test('defaults make a working local configuration', async (t) => {
  const config = loadConfig({})
  t.equal(config.port, 3000)
  t.equal(config.signup, 'open')
  t.equal(config.seedOnStart, true)
  t.equal(config.maxUploadBytes, 200 * 1024 * 1024)
})

t.test('flags are parsed as words, not truthiness', async (t) => {
  t.equal(loadConfig({ SEED_ON_START: 'false' }).seedOnStart, false)
  t.equal(loadConfig({ SEED_ON_START: 'true' }).seedOnStart, true)
})

t.test('every invalid setting is named at once', async (t) => {
  const error = t.throws(() =>
    loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SIGNUP: 'maybe', PUBLIC_URL: 'not a url' }),
  ) as ConfigError
  t.type(error, ConfigError)
  const named = error.problems.map((problem) => problem.split(':')[0])
  t.same(named.sort(), ['DATABASE_URL', 'PORT', 'PUBLIC_URL', 'SIGNUP'])
  t.match(error.message, /Invalid configuration/)
})

t.test('the delivery lookahead may not be shorter than the sweep interval', async (t) => {
  t.equal(loadConfig({}).delivery.lookaheadSeconds, 60)
  t.equal(loadConfig({ SWEEP_INTERVAL_SECONDS: '30', DELIVERY_LOOKAHEAD_SECONDS: '30' }).delivery.lookaheadSeconds, 30)
  const error = t.throws(() => loadConfig({ SWEEP_INTERVAL_SECONDS: '30', DELIVERY_LOOKAHEAD_SECONDS: '10' })) as ConfigError
  t.match(error.problems, [/^DELIVERY_LOOKAHEAD_SECONDS: must be at least SWEEP_INTERVAL_SECONDS/])
})

t.test('rate limits read as count/window or off; the proxy is trusted only when told', async (t) => {
  const defaults = loadConfig({})
  t.same(defaults.rateLimits.signup.perIp, { max: 20, windowMs: 3_600_000 })
  t.equal(defaults.trustProxy, false)
  const set = loadConfig({ RATE_LIMIT_SEARCH_PER_IP: '30/10s', RATE_LIMIT_TOKENS_PER_USER: 'off', TRUST_PROXY: 'loopback, 10.0.0.0/8' })
  t.same(set.rateLimits.search.perIp, { max: 30, windowMs: 10_000 })
  t.equal(set.rateLimits.tokens.perUser, null)
  t.same(set.trustProxy, ['loopback', '10.0.0.0/8'])
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  const error = t.throws(() =>
    loadConfig({ RATE_LIMIT_SIGNUP_PER_IP: '20 per hour', SEARCH_CACHE_MAX_ENTRY_BYTES: '999999999', SEARCH_CACHE_MAX_BYTES: '100000' }),
  ) as ConfigError
  t.same(error.problems.map((problem) => problem.split(':')[0]).sort(), ['RATE_LIMIT_SIGNUP_PER_IP', 'SEARCH_CACHE_MAX_ENTRY_BYTES'])
})

t.test('web sessions: a secret is required where PUBLIC_URL is https, and must be long', async (t) => {
  t.equal(loadConfig({}).session.secret, null, 'local: a key per process')
  t.same(loadConfig({}).session.linksPerAddress, { max: 5, windowMs: 3_600_000 })
  t.same(loadConfig({}).rateLimits.signin, { perIp: { max: 30, windowMs: 3_600_000 }, perUser: null })
  const missing = t.throws(() => loadConfig({ PUBLIC_URL: 'https://records.example.org' })) as ConfigError
  t.match(missing.problems, [/^SESSION_SECRET: is required when PUBLIC_URL is https/])
  const short = t.throws(() => loadConfig({ SESSION_SECRET: 'short' })) as ConfigError
  t.match(short.problems, [/^SESSION_SECRET: must be at least 32 characters/])
  const secret = 's'.repeat(40)
  t.equal(loadConfig({ PUBLIC_URL: 'https://records.example.org', SESSION_SECRET: secret }).session.secret, secret)
  t.same(loadConfig({ RATE_LIMIT_SIGNIN_PER_ADDRESS: 'off' }).session.linksPerAddress, null)
})
