// GET /v1/agencies/{id}/stats and the agency page's figures: open requests count as still waiting,
// nothing below five, private requests and drafts never counted.
import t from 'tap'
import { statisticsByState } from '../../src/modules/agencies/agency-statistics.service.js'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'

const UNKNOWN = '00000000-0000-4000-8000-000000000000'
const SUBMITTED = Date.parse('2026-10-01T16:00:00.000Z')
const at = (days: number) => new Date(SUBMITTED + days * 86_400_000).toISOString()

t.test('agency statistics', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  await signUp(app)
  const owner = await signUp(app)
  const kent = await findAgencyId(app, 'state=WA&q=kent%20police')
  const auburn = await findAgencyId(app, 'state=WA&q=auburn%20police')

  /** A request filed on October 1 whose agency did these things, `days` after filing. */
  async function tracked(user: TestUser, agencyId: string, steps: [string, number][], visibility = 'public', submit = true) {
    const draft = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: user.headers,
      payload: { agencyId, templateSlug: 'ring-partnership', visibility },
    })
    const { id } = draft.json()
    if (!submit) return id as string
    const filed = await app.inject({
      method: 'POST',
      url: `/v1/requests/${id}/submit`,
      headers: user.headers,
      payload: { via: 'portal', submittedAt: at(0) },
    })
    t.equal(filed.statusCode, 200)
    for (const [type, days] of steps) {
      const event = await app.inject({
        method: 'POST',
        url: `/v1/requests/${id}/events`,
        headers: user.headers,
        payload: { type, occurredAt: at(days) },
      })
      t.equal(event.statusCode, 201, `${type} +${days}d`)
    }
    return id as string
  }

  const ids = [
    await tracked(owner, kent, [
      ['acknowledged', 1],
      ['fulfilled', 3],
    ]),
    await tracked(owner, kent, [
      ['acknowledged', 1],
      ['fulfilled', 3],
    ]),
    await tracked(owner, kent, [
      ['acknowledged', 2],
      ['fulfilled', 3],
    ]),
    await tracked(owner, kent, [
      ['acknowledged', 2],
      ['rejected', 20],
    ]),
    await tracked(owner, kent, [['no_records', 20]]),
    await tracked(owner, kent, []), // never answered: still waiting, not dropped
  ]
  await tracked(owner, kent, [['fulfilled', 1]], 'private')
  await tracked(owner, kent, [], 'public', false)
  await tracked(owner, auburn, [['fulfilled', 2]])

  const stats = async (id: string) => app.inject({ method: 'GET', url: `/v1/agencies/${id}/stats` })

  t.test('counts, censored medians and the on-time rate', async (t) => {
    const answer = await stats(kent)
    t.equal(answer.statusCode, 200)
    const body = answer.json()
    t.match(body, { requests: 6, filed: 6, answered: 5, waitingForFirstResponse: 1 }, 'the private request and the draft are not counted')
    // First responses at 1, 1, 2, 2, 20 and one waiting: S = 4/6 after day 1, 2/6 after day 2.
    t.equal(body.medianDaysToFirstResponse, 2)
    // Final answers at 3, 3, 3, 20, 20 and one waiting: S = 3/6 after day 3.
    t.equal(body.medianDaysToCompletion, 3)
    // Washington's five business days end October 8: three answers in time, two late.
    t.match(body.onTime, { rate: 0.6, n: 5 })
    t.ok(body.onTime.low > 0.22 && body.onTime.low < 0.24, `Wilson low ${body.onTime.low}`)
    t.ok(body.onTime.high > 0.87 && body.onTime.high < 0.89, `Wilson high ${body.onTime.high}`)
  })

  t.test('below five, nothing is estimated', async (t) => {
    const body = (await stats(auburn)).json()
    t.same(body, {
      requests: 1,
      filed: 1,
      answered: 1,
      waitingForFirstResponse: 0,
      medianDaysToFirstResponse: null,
      medianDaysToCompletion: null,
      onTime: null,
    })
  })

  t.test('unknown and malformed ids', async (t) => {
    const unknown = await stats(UNKNOWN)
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal((await stats('not-a-uuid')).statusCode, 400)
    t.equal((await stats("1' or '1'='1")).statusCode, 400)
  })

  t.test('the agency page shows the same figures', async (t) => {
    const page = await app.inject({ method: 'GET', url: `/agencies/${kent}` })
    t.equal(page.statusCode, 200)
    t.match(page.body, /How this agency answers/)
    t.match(page.body, /<dt>Requests filed<\/dt><dd>6<\/dd>/)
    t.match(page.body, /<dt>Median time to a first response<\/dt><dd>2 days<\/dd>/)
    t.match(page.body, /60% of 5 \(95% interval 23%–88%\)/)
    const small = await app.inject({ method: 'GET', url: `/agencies/${auburn}` })
    t.match(small.body, /Shown once 5 requests are filed/)
  })

  t.test('per-state figures over a set of requests', async (t) => {
    const byState = await statisticsByState(ctx, ids)
    t.match(byState, [{ state: 'WA', requests: 6, filed: 6, answered: 5, medianDaysToCompletion: 3 }])
    t.same(await statisticsByState(ctx, []), [])
  })
})
