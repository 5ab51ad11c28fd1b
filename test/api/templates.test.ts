import t from 'tap'
import { buildTestApp, findAgencyId, manualClock, signUp } from '../helpers/app.js'

t.test('templates', async (t) => {
  const clock = manualClock('2026-11-20T18:00:00.000Z')
  const { app } = await buildTestApp(t, { clock })
  const spokane = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const losAngeles = await findAgencyId(app, 'state=CA&q=los%20angeles%20police')
  const dallas = await findAgencyId(app, 'state=TX&q=dallas%20police')

  t.test('the catalogue lists request, follow-up and appeal letters with their variables', async (t) => {
    const list = await app.inject({ method: 'GET', url: '/v1/templates' })
    t.equal(list.statusCode, 200)
    const templates = list.json()
    const slugs = templates.map((template: { slug: string }) => template.slug)
    for (const slug of ['ring-partnership', 'neighbors-portal-requests', 'follow-up', 'appeal']) t.ok(slugs.includes(slug), slug)
    t.same([...new Set(templates.map((template: { kind: string }) => template.kind))].sort(), ['appeal', 'follow_up', 'request'])
    const one = await app.inject({ method: 'GET', url: '/v1/templates/ring-partnership' })
    t.equal(one.statusCode, 200)
    t.match(one.json(), {
      slug: 'ring-partnership',
      kind: 'request',
      variables: [{ name: 'date_from', required: false, default: 'January 1, 2018' }],
    })
    t.equal((await app.inject({ method: 'GET', url: '/v1/templates/nope' })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: '/v1/templates/..%2F..%2Fetc%2Fpasswd' })).statusCode, 400)
  })

  t.test('previews cite each state’s own law and period, without saving anything', async (t) => {
    const expectations: [string, RegExp, RegExp][] = [
      [spokane, /RCW 42\.56/, /five business days/],
      [losAngeles, /California Public Records Act/, /ten calendar days/],
      [dallas, /Texas Public Information Act/, /ten business days/],
    ]
    for (const [agencyId, law, period] of expectations) {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/templates/ring-partnership/render',
        payload: { agencyId, variables: { fee_threshold: '$50' } },
      })
      t.equal(response.statusCode, 200)
      const { subject, body } = response.json()
      t.match(subject, /Ring/)
      t.match(body, law)
      t.match(body, period)
      t.match(body, /\$50/)
      t.match(body, /fee/i)
      t.match(body, /electronic/i)
    }
  })

  t.test('a signed-in preview is signed with the caller’s name', async (t) => {
    const user = await signUp(app, { name: 'Zoë Ødegård' })
    const response = await app.inject({
      method: 'POST',
      url: '/v1/templates/neighbors-portal-requests/render',
      headers: user.headers,
      payload: { agencyId: spokane },
    })
    t.equal(response.statusCode, 200)
    t.match(response.json().body, /Zoë Ødegård\s*$/m)
  })

  t.test('bad previews', async (t) => {
    const render = (slug: string, payload: unknown, headers = {}) =>
      app.inject({ method: 'POST', url: `/v1/templates/${slug}/render`, headers, payload: payload as object })
    t.equal((await render('ring-partnership', { agencyId: 'x' })).statusCode, 400)
    t.equal((await render('ring-partnership', {})).statusCode, 400)
    t.equal((await render('ring-partnership', { agencyId: '00000000-0000-4000-8000-000000000000' })).statusCode, 422)
    t.equal((await render('no-such-letter', { agencyId: spokane })).statusCode, 404)
    const unknownVariable = await render('ring-partnership', { agencyId: spokane, variables: { evil: '{{ 7 * 7 }}' } })
    t.equal(unknownVariable.statusCode, 400)
    t.same(
      unknownVariable.json().errors.map((error: { path: string }) => error.path),
      ['body.variables.evil'],
    )
    const nonString = await render('ring-partnership', { agencyId: spokane, variables: { date_from: { $gt: '' } } })
    t.equal(nonString.statusCode, 400)
    const followUpWithoutRequest = await render('follow-up', { agencyId: spokane })
    t.equal(followUpWithoutRequest.statusCode, 422)
  })

  t.test('follow-up and appeal letters are about one of the caller’s submitted requests', async (t) => {
    const owner = await signUp(app, { name: 'José Núñez' })
    const stranger = await signUp(app)
    const created = (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: owner.headers,
        payload: { agencyId: spokane, templateSlug: 'ring-partnership', visibility: 'private' },
      })
    ).json()
    const draftFollowUp = await app.inject({
      method: 'POST',
      url: '/v1/templates/follow-up/render',
      headers: owner.headers,
      payload: { agencyId: spokane, requestId: created.id },
    })
    t.equal(draftFollowUp.statusCode, 422, 'a draft has nothing to follow up')
    await app.inject({ method: 'POST', url: `/v1/requests/${created.id}/submit`, headers: owner.headers, payload: { via: 'portal' } })
    await app.inject({
      method: 'PATCH',
      url: `/v1/requests/${created.id}`,
      headers: owner.headers,
      payload: { trackingNumber: 'P-2026-118' },
    })

    clock.set('2026-12-08T18:00:00.000Z')
    const followUp = await app.inject({
      method: 'POST',
      url: '/v1/templates/follow-up/render',
      headers: owner.headers,
      payload: { agencyId: spokane, requestId: created.id },
    })
    t.equal(followUp.statusCode, 200)
    const { body } = followUp.json()
    t.match(body, /November 20, 2026/, 'cites the submission date')
    t.match(body, /December 1, 2026/, 'cites the due date')
    t.match(body, /P-2026-118/, 'cites the tracking number')
    t.match(body, /RCW 42\.56/)

    const appeal = await app.inject({
      method: 'POST',
      url: '/v1/templates/appeal/render',
      headers: owner.headers,
      payload: { agencyId: spokane, requestId: created.id },
    })
    t.equal(appeal.statusCode, 200)
    t.match(appeal.json().body, /appeal/i)

    const foreign = await app.inject({
      method: 'POST',
      url: '/v1/templates/follow-up/render',
      headers: stranger.headers,
      payload: { agencyId: spokane, requestId: created.id },
    })
    t.equal(foreign.statusCode, 404, 'another user’s private request stays hidden')
  })
})
