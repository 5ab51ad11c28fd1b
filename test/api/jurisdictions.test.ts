import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

t.test('jurisdictions are seeded from the records-laws table', async (t) => {
  const { app } = await buildTestApp(t)
  const all = await app.inject({ method: 'GET', url: '/v1/jurisdictions' })
  t.equal(all.statusCode, 200)
  const items = all.json()
  t.equal(items.length, 52, '50 states, DC and federal')
  t.equal(items.filter((j: { dayType: string | null }) => j.dayType === null).length, 9, 'nine laws without a fixed period')

  const wa = await app.inject({ method: 'GET', url: '/v1/jurisdictions/wa' })
  t.equal(wa.statusCode, 200)
  t.match(wa.json(), {
    code: 'WA',
    name: 'Washington',
    responseDays: 5,
    dayType: 'business',
    timezone: 'America/Los_Angeles',
    citation: /42\.56/,
  })
  const federal = await app.inject({ method: 'GET', url: '/v1/jurisdictions/US' })
  t.match(federal.json(), { code: 'US', responseDays: 20, dayType: 'business', extensionDays: 10 })
  const arizona = await app.inject({ method: 'GET', url: '/v1/jurisdictions/AZ' })
  t.match(arizona.json(), { responseDays: null, dayType: null })

  t.equal((await app.inject({ method: 'GET', url: '/v1/jurisdictions/ZZ' })).statusCode, 404)
  const bad = await app.inject({ method: 'GET', url: "/v1/jurisdictions/WA';--" })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].path, 'params.code')
})
