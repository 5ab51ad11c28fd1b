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

t.test('inbound mail: the SMTP listener, STARTTLS files in pairs, and the IMAP mailbox read from its URL', async (t) => {
  const defaults = loadConfig({})
  t.same(defaults.inbound.smtp, { host: '127.0.0.1', port: 2525, maxClients: 100, tls: null })
  t.equal(defaults.inbound.imap, null)
  t.equal(defaults.inbound.maxBytes, 64 * 1024 * 1024)
  t.same(loadConfig({ INBOUND_TLS_CERT: '/etc/tls/cert.pem', INBOUND_TLS_KEY: '/etc/tls/key.pem' }).inbound.smtp.tls, {
    certFile: '/etc/tls/cert.pem',
    keyFile: '/etc/tls/key.pem',
  })
  t.same(loadConfig({ IMAP_URL: 'imaps://records%40example.org:p%3Ass@mail.example.org/Archive%2FAgencies' }).inbound.imap, {
    secure: true,
    host: 'mail.example.org',
    port: 993,
    user: 'records@example.org',
    password: 'p:ss',
    mailbox: 'Archive/Agencies',
    processedFolder: 'Processed',
    pollSeconds: 60,
  })
  t.match(loadConfig({ IMAP_URL: 'imap://u:p@[::1]:1143', IMAP_PROCESSED_FOLDER: 'Done' }).inbound.imap, {
    secure: false,
    host: '::1',
    port: 1143,
    mailbox: 'INBOX',
    processedFolder: 'Done',
  })
  const error = t.throws(() =>
    loadConfig({
      INBOUND_TLS_CERT: '/etc/tls/cert.pem',
      IMAP_URL: 'pop3://u:p@host',
      INBOUND_SMTP_PORT: '70000',
      IMAP_PROCESSED_FOLDER: 'a*',
    }),
  ) as ConfigError
  t.same(error.problems.map((problem) => problem.split(':')[0]).sort(), [
    'IMAP_PROCESSED_FOLDER',
    'IMAP_URL',
    'INBOUND_SMTP_PORT',
    'INBOUND_TLS_KEY',
  ])
  t.throws(() => loadConfig({ IMAP_URL: 'imaps://mail.example.org/INBOX' }), /IMAP_URL: must name the user/)
  t.throws(() => loadConfig({ IMAP_URL: 'imaps://u:100%@mail.example.org/INBOX' }), /IMAP_URL: has a % that starts no valid escape/)
  t.throws(() => loadConfig({ IMAP_URL: 'not a url' }), /IMAP_URL: /)
  t.throws(
    () => loadConfig({ IMAP_URL: 'imaps://u:p@mail.example.org/Done', IMAP_PROCESSED_FOLDER: 'Done' }),
    /IMAP_PROCESSED_FOLDER: must differ/,
  )
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
