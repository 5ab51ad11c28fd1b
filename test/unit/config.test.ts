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
  const error = t.throws(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SIGNUP: 'maybe', PUBLIC_URL: 'not a url' })) as ConfigError
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
