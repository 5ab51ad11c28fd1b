import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTestApp, findAgencyId, signUp, type TestUser } from '../helpers/app.js'
import { startSmtpCapture } from '../helpers/smtp-capture.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const GAP_MS = 500
const DAY_MS = 86_400_000

t.test('campaigns over HTTP', async (t) => {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  const { app, ctx } = await buildTestApp(t, {
    env: { SMTP_URL: smtp.url, SWEEP_INTERVAL_SECONDS: '1', CAMPAIGN_SEND_PER_MINUTE: String(60_000 / GAP_MS) },
  })
  const admin = await signUp(app)
  const organizer = await signUp(app, { email: 'organizer@example.org', name: 'Campaign Organizer' })
  const other = await signUp(app)
  const call = (user: TestUser | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: user?.headers, payload: payload as object })

  // Seven of Washington's ten Ring partners get an approved address; Kent, Clarkston and Edgewood have none.
  const withEmail = ['Auburn', 'Des Moines', 'Olympia', 'Spokane County', 'Spokane Police', 'University Place', 'Yakima']
  const addresses = new Map<string, string>()
  for (const name of withEmail) {
    const id = await findAgencyId(app, `state=WA&ringPartner=true&q=${encodeURIComponent(name)}`)
    const email = `records-${name.toLowerCase().replace(/\s+/g, '-')}@agency.example`
    addresses.set(id, email)
    t.equal((await call(admin, 'PATCH', `/v1/agencies/${id}`, { email })).statusCode, 200)
  }
  const letterArrivals = new Map<string, number[]>()
  const watch = setInterval(() => {
    for (const mail of smtp.messages) {
      const to = mail.to[0]!.address
      if (!to.endsWith('@agency.example')) continue
      const seen = letterArrivals.get(mail.messageId!) ?? [Date.now()]
      letterArrivals.set(mail.messageId!, seen)
    }
  }, 10)
  t.teardown(() => clearInterval(watch))
  const lettersTo = (address: string) => smtp.messages.filter((mail) => mail.to[0]!.address === address)

  await startTestWorker(t, ctx, smtp.url)
  let campaignId = ''
  t.test('one call makes a draft to every Washington Ring partner, each citing Washington law', async (t) => {
    const created = await call(organizer, 'POST', '/v1/campaigns', {
      title: 'Ring partnership records — Washington',
      templateSlug: 'ring-partnership',
      targets: { state: 'wa', ringPartner: true },
    })
    t.equal(created.statusCode, 201, created.body)
    const campaign = created.json()
    campaignId = campaign.id
    t.match(campaign, {
      title: 'Ring partnership records — Washington',
      visibility: 'public',
      owner: { name: 'Campaign Organizer' },
      targetCount: 10,
      needsContact: 3,
      coverage: { draft: 10, submitted: 0, overdue: 0 },
      byState: [{ state: 'WA', targets: 10, filed: 0, answered: 0, overdue: 0 }],
    })
    const targets = (await call(organizer, 'GET', `/v1/campaigns/${campaignId}/targets?limit=100`)).json()
    t.equal(targets.items.length, 10)
    t.same(
      targets.items
        .filter((item: { needsContact: boolean }) => item.needsContact)
        .map((item: { agency: { city: string } }) => item.agency.city),
      ['Clarkston', 'Edgewood', 'Kent'],
    )
    const draft = (await call(organizer, 'GET', `/v1/requests/${targets.items[0].requestId}`)).json()
    t.match(draft, { status: 'draft', templateSlug: 'ring-partnership', agency: { state: 'WA' } })
    t.match(draft.body, /RCW 42\.56/)
    t.equal(targets.items[0].requestId !== null, true, 'the organizer can open each draft')
  })

  t.test('targets added later get their own law; an agency already in it is not written to twice', async (t) => {
    const houston = await findAgencyId(app, 'state=TX&q=houston%20police')
    const spokane = [...addresses.keys()][4]!
    const added = await call(organizer, 'POST', `/v1/campaigns/${campaignId}/agencies`, { agencyIds: [houston, spokane, houston] })
    t.equal(added.statusCode, 200, added.body)
    t.match(added.json(), {
      targetCount: 11,
      byState: [
        { state: 'TX', targets: 1 },
        { state: 'WA', targets: 10 },
      ],
    })
    const texas = (await call(organizer, 'GET', `/v1/campaigns/${campaignId}/targets?state=TX`)).json().items[0]
    const letter = (await call(organizer, 'GET', `/v1/requests/${texas.requestId}`)).json()
    t.match(letter.body, /Texas|552/)
    t.equal((await call(other, 'POST', `/v1/campaigns/${campaignId}/agencies`, { agencyIds: [houston] })).statusCode, 403)
  })

  t.test('filed by email: letters leave paced, agencies without an address are listed, none is sent twice', async (t) => {
    const before = Date.now()
    const submitted = await call(organizer, 'POST', `/v1/campaigns/${campaignId}/submit`, { via: 'email' })
    t.equal(submitted.statusCode, 202, submitted.body)
    const answer = submitted.json()
    t.equal(answer.submitted, 7)
    t.same(answer.needsContact.map((item: { agency: { city: string } }) => item.agency.city).sort(), [
      'Clarkston',
      'Edgewood',
      'Houston',
      'Kent',
    ])
    t.equal(answer.letters.perMinute, 60_000 / GAP_MS)
    t.equal(new Date(answer.letters.last).getTime() - new Date(answer.letters.first).getTime(), 6 * GAP_MS, 'one slot per letter')
    t.match(answer.campaign, { coverage: { draft: 4, submitted: 7 }, needsContact: 4 })

    await eventually(async () => letterArrivals.size >= 7, 90_000, 'seven letters')
    const arrivals = [...letterArrivals.values()].map(([at]) => at!).sort((a, b) => a - b)
    arrivals.forEach((at, index) => {
      // Each letter leaves no earlier than its slot; a loaded machine can only make it later.
      t.ok(at - before >= index * GAP_MS - 100, `letter ${index + 1} arrived ${at - before} ms after filing, slot ${index * GAP_MS} ms`)
    })
    for (const address of addresses.values()) t.equal(lettersTo(address).length, 1, `one letter to ${address}`)
    const again = await call(organizer, 'POST', `/v1/campaigns/${campaignId}/submit`, { via: 'email' })
    t.equal(again.statusCode, 202, 'the drafts left are looked at again')
    t.equal(again.json().submitted, 0)
  })

  t.test('hold: letters not yet sent go back to draft; nothing is ever sent twice', async (t) => {
    const created = await call(organizer, 'POST', '/v1/campaigns', {
      title: 'Held back',
      templateSlug: 'ring-partnership',
      agencyIds: [...addresses.keys()],
      visibility: 'private',
    })
    const id = created.json().id
    const sendAt = new Date(Date.now() + 60_000).toISOString()
    const submitted = await call(organizer, 'POST', `/v1/campaigns/${id}/submit`, { via: 'email', sendAt })
    t.equal(submitted.json().submitted, 7)
    const held = await call(organizer, 'POST', `/v1/campaigns/${id}/hold`)
    t.equal(held.statusCode, 200)
    t.match(held.json(), { held: 7, campaign: { coverage: { draft: 7, submitted: 0 } } })
    const targets = (await call(organizer, 'GET', `/v1/campaigns/${id}/targets?limit=100`)).json().items
    const one = targets[0].requestId
    const request = (await call(organizer, 'GET', `/v1/requests/${one}`)).json()
    t.match(request, { status: 'draft', submittedAt: null, dueDate: null })
    const events = (await call(organizer, 'GET', `/v1/requests/${one}/events`)).json()
    t.same(
      events.map((event: { type: string }) => event.type),
      ['created', 'note'],
    )
    const reminders = (await call(organizer, 'GET', `/v1/requests/${one}/reminders`)).json()
    t.ok(
      reminders.every((reminder: { status: string }) => reminder.status === 'cancelled'),
      'its reminders are cancelled',
    )
    t.equal((await call(organizer, 'GET', `/v1/requests/${one}/messages`)).json().items.length, 0, 'the unsent letter left the thread')

    // Filed again now: some letters leave, the rest are held while on their way.
    const sentBefore = smtp.messages.length
    t.equal((await call(organizer, 'POST', `/v1/campaigns/${id}/submit`, { via: 'email' })).statusCode, 202)
    await eventually(async () => smtp.messages.slice(sentBefore).some((mail) => mail.to[0]!.address.endsWith('@agency.example')), 90_000)
    const partial = (await call(organizer, 'POST', `/v1/campaigns/${id}/hold`)).json()
    t.ok(partial.held < 7, `${partial.held} held, the rest had left`)
    t.equal(partial.campaign.coverage.draft, partial.held)
    t.equal(partial.campaign.coverage.submitted, 7 - partial.held)
    t.equal((await call(organizer, 'POST', `/v1/campaigns/${id}/submit`, { via: 'email' })).json().submitted, partial.held)
    await eventually(async () => [...addresses.values()].every((address) => lettersTo(address).length >= 2), 90_000, 'second letters')
    await new Promise((resolve) => setTimeout(resolve, 2 * GAP_MS))
    for (const address of addresses.values()) t.equal(lettersTo(address).length, 2, `${address}: one letter per campaign`)
  })

  t.test('two campaigns filed at the same moment share the pace: no two letters closer than a slot, none sent twice', async (t) => {
    const colleague = await signUp(app, { email: 'colleague@example.org', name: 'Second Organizer' })
    const agencyIds = [...addresses.keys()]
    const start = async (user: TestUser, title: string, ids: string[]) =>
      (await call(user, 'POST', '/v1/campaigns', { title, templateSlug: 'ring-partnership', agencyIds: ids })).json().id as string
    const first = await start(organizer, 'Same moment, first', agencyIds.slice(0, 4))
    const second = await start(colleague, 'Same moment, second', agencyIds.slice(4))
    const sentBefore = smtp.messages.length
    const before = Date.now()
    const [one, two] = await Promise.all([
      call(organizer, 'POST', `/v1/campaigns/${first}/submit`, { via: 'email' }),
      call(colleague, 'POST', `/v1/campaigns/${second}/submit`, { via: 'email' }),
    ])
    t.same([one.statusCode, two.statusCode], [202, 202], `${one.body} ${two.body}`)
    t.same([one.json().submitted, two.json().submitted], [4, 3])

    const scheduled = await ctx.database.sql<{ at: number }[]>`
      select (extract(epoch from d.send_at) * 1000)::float8 as at from deliveries d join campaign_targets t on t.request_id = d.request_id
       where d.kind = 'letter' and t.campaign_id in (${first}, ${second}) order by d.send_at`
    t.equal(scheduled.length, 7, 'one letter per target')
    const gaps = scheduled.slice(1).map((row, index) => Math.round(row.at - scheduled[index]!.at))
    t.ok(
      gaps.every((gap) => gap >= GAP_MS),
      `slots ${GAP_MS} ms apart or more across both campaigns: ${gaps.join(', ')}`,
    )

    const arrivals = () => smtp.messages.slice(sentBefore).filter((mail) => mail.to[0]!.address.endsWith('@agency.example'))
    await eventually(async () => arrivals().length >= 7, 90_000, 'both campaigns’ letters')
    await new Promise((resolve) => setTimeout(resolve, 2 * GAP_MS))
    t.equal(arrivals().length, 7, 'nothing sent twice')
    t.same(
      arrivals()
        .map((mail) => mail.to[0]!.address)
        .sort(),
      [...addresses.values()].sort(),
      'one letter to each agency',
    )
    const arrivedAt = [...letterArrivals.entries()]
      .filter(([messageId]) => arrivals().some((mail) => mail.messageId === messageId))
      .map(([, [at]]) => at!)
      .sort((a, b) => a - b)
    arrivedAt.forEach((at, index) => {
      t.ok(at - before >= index * GAP_MS - 100, `letter ${index + 1} arrived ${at - before} ms after filing, slot ${index * GAP_MS} ms`)
    })
  })

  t.test('counts read again after any change are the new ones, whoever changed what', async (t) => {
    const agencyIds = [...addresses.keys()].slice(0, 2)
    const created = await call(organizer, 'POST', '/v1/campaigns', { title: 'Recounted', templateSlug: 'ring-partnership', agencyIds })
    const id = created.json().id
    const read = async (user: TestUser | null) => (await call(user, 'GET', `/v1/campaigns/${id}`)).json()
    t.match(await read(null), { targetCount: 2, needsContact: 0, coverage: { draft: 2 } })
    t.match(await read(organizer), { targetCount: 2, coverage: { draft: 2 } })

    // An address no administrator approved: the drafts need a contact again.
    await ctx.database.sql`update agencies set approved_email = null where id = ${agencyIds[0]!}`
    t.match(await read(null), { needsContact: 1 }, 'an agency’s contact')
    await ctx.database.sql`update agencies set approved_email = email where id = ${agencyIds[0]!}`
    t.match(await read(null), { needsContact: 0 })

    const [target] = (await call(organizer, 'GET', `/v1/campaigns/${id}/targets?limit=1`)).json().items
    t.equal((await call(organizer, 'POST', `/v1/requests/${target.requestId}/submit`, { via: 'portal' })).statusCode, 200)
    t.match(await read(null), { coverage: { draft: 1, submitted: 1 } }, 'a status')
    t.match(await read(organizer), { coverage: { draft: 1, submitted: 1 } })
    await ctx.database.sql`update requests set due_date = '2020-01-02' where id = ${target.requestId}`
    t.match(await read(null), { coverage: { overdue: 1 }, byState: [{ overdue: 1 }] }, 'a due date')
    t.equal((await call(organizer, 'PATCH', `/v1/requests/${target.requestId}`, { visibility: 'private' })).statusCode, 200)
    t.match(await read(null), { targetCount: 1, coverage: { submitted: 0, overdue: 0 } }, 'a visibility')
    t.match(await read(organizer), { targetCount: 2, coverage: { submitted: 1, overdue: 1 } })
    const houston = await findAgencyId(app, 'state=TX&q=houston%20police')
    t.equal((await call(organizer, 'POST', `/v1/campaigns/${id}/agencies`, { agencyIds: [houston] })).statusCode, 200)
    t.match(await read(null), { targetCount: 2, byState: [{ state: 'TX', targets: 1 }, { state: 'WA' }] }, 'a target added')
    const texas = (await call(organizer, 'GET', `/v1/campaigns/${id}/targets?state=TX`)).json().items[0]
    t.equal((await call(organizer, 'DELETE', `/v1/requests/${texas.requestId}`)).statusCode, 204)
    t.match(await read(null), { targetCount: 1, byState: [{ state: 'WA' }] }, 'a draft deleted')
  })

  t.test('coverage counts match a hand count', async (t) => {
    const ids = {
      spokane: await findAgencyId(app, 'state=WA&q=spokane%20police'),
      olympia: await findAgencyId(app, 'state=WA&q=olympia%20police'),
      kent: await findAgencyId(app, 'state=WA&q=kent%20police'),
      houston: await findAgencyId(app, 'state=TX&q=houston%20police'),
      texas2: await findAgencyId(app, 'state=TX&ringPartner=true&q=austin'),
      oregon: await findAgencyId(app, 'state=OR&ringPartner=true'),
    }
    const campaign = (
      await call(organizer, 'POST', '/v1/campaigns', { title: 'Counted', templateSlug: 'ring-partnership', agencyIds: Object.values(ids) })
    ).json()
    const targets = (await call(organizer, 'GET', `/v1/campaigns/${campaign.id}/targets?limit=100`)).json().items as {
      agency: { id: string }
      requestId: string
    }[]
    const requestOf = (agencyId: string) => targets.find((target) => target.agency.id === agencyId)!.requestId
    const longAgo = new Date(Date.now() - 60 * DAY_MS).toISOString()
    const later = new Date(Date.now() - 30 * DAY_MS).toISOString()
    const file = async (agencyId: string, submittedAt: string, event?: string) => {
      const id = requestOf(agencyId)
      t.equal((await call(organizer, 'POST', `/v1/requests/${id}/submit`, { via: 'portal', submittedAt })).statusCode, 200)
      if (event) t.equal((await call(organizer, 'POST', `/v1/requests/${id}/events`, { type: event, occurredAt: later })).statusCode, 201)
    }
    await file(ids.spokane, longAgo)
    await file(ids.olympia, longAgo, 'fulfilled')
    await file(ids.houston, longAgo, 'rejected')
    await file(ids.texas2, longAgo, 'withdrawn')
    await file(ids.oregon, new Date(Date.now() - 60_000).toISOString())
    const counted = (await call(organizer, 'GET', `/v1/campaigns/${campaign.id}`)).json()
    t.same(counted.coverage, {
      draft: 1,
      submitted: 2,
      acknowledged: 0,
      awaiting_fee: 0,
      awaiting_clarification: 0,
      partially_fulfilled: 0,
      fulfilled: 1,
      no_records: 0,
      rejected: 1,
      appealed: 0,
      withdrawn: 1,
      overdue: 1,
    })
    t.same(counted.byState, [
      { state: 'OR', targets: 1, filed: 1, answered: 0, overdue: 0 },
      { state: 'TX', targets: 2, filed: 2, answered: 1, overdue: 0 },
      { state: 'WA', targets: 3, filed: 2, answered: 1, overdue: 1 },
    ])
    t.equal(counted.needsContact, 1, 'Kent has no address')
    const overdue = (await call(organizer, 'GET', `/v1/campaigns/${campaign.id}/targets?overdue=true`)).json().items
    t.same(
      overdue.map((item: { agency: { id: string } }) => item.agency.id),
      [ids.spokane],
    )
    t.equal((await call(organizer, 'GET', `/v1/requests/${requestOf(ids.spokane)}`)).json().overdue, true, 'as the request itself says')

    const csv = await call(null, 'GET', `/v1/campaigns/${campaign.id}/targets.csv`)
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], /^text\/csv/)
    const lines = csv.body.trimEnd().split('\r\n')
    t.equal(
      lines[0],
      'state,agency,city,agency_id,request_id,status,submitted_via,submitted_at,due_date,overdue,last_message_at,document_count,needs_contact,request_url',
    )
    t.equal(lines.length, 7)
    t.ok(
      lines.some(
        (line) =>
          line.startsWith('WA,Spokane Police Department,Spokane,') && line.includes(',submitted,portal,') && line.includes(',true,'),
      ),
    )
    t.ok(
      lines.some((line) => line.includes('Kent Police Department') && line.includes(',draft,') && !line.includes('http')),
      'no link to a draft for the public',
    )

    // A request the organizer makes private leaves the public's counts (not even counted).
    t.equal((await call(organizer, 'PATCH', `/v1/requests/${requestOf(ids.oregon)}`, { visibility: 'private' })).statusCode, 200)
    t.match((await call(null, 'GET', `/v1/campaigns/${campaign.id}`)).json(), { targetCount: 5, coverage: { submitted: 1 } })
    t.match((await call(organizer, 'GET', `/v1/campaigns/${campaign.id}`)).json(), { targetCount: 6, coverage: { submitted: 2 } })
  })

  t.test('private campaigns are invisible to others, counts included', async (t) => {
    const created = await call(organizer, 'POST', '/v1/campaigns', {
      title: 'Secret',
      templateSlug: 'ring-partnership',
      targets: { state: 'WA', ringPartner: true, q: 'spokane' },
      visibility: 'private',
    })
    t.equal(created.statusCode, 201)
    const id = created.json().id
    t.equal(created.json().targetCount, 2)
    for (const user of [null, other]) {
      for (const url of [`/v1/campaigns/${id}`, `/v1/campaigns/${id}/targets`, `/v1/campaigns/${id}/targets.csv`]) {
        const response = await call(user, 'GET', url)
        t.equal(response.statusCode, 404, `${url} for ${user ? 'another member' : 'the public'}`)
        t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
      }
      const listed = (await call(user, 'GET', '/v1/campaigns?limit=100')).json().items.map((item: { id: string }) => item.id)
      t.notOk(listed.includes(id))
      t.ok(listed.includes(campaignId), 'public campaigns are listed')
    }
    for (const action of ['submit', 'hold', 'agencies']) {
      const payload = action === 'submit' ? { via: 'mail' } : action === 'agencies' ? { agencyIds: [randomUUID()] } : undefined
      t.equal((await call(other, 'POST', `/v1/campaigns/${id}/${action}`, payload)).statusCode, 404, `${action} by another member`)
    }
    t.equal((await call(admin, 'GET', `/v1/campaigns/${id}`)).statusCode, 200, 'administrators see it')
    t.ok((await call(organizer, 'GET', '/v1/campaigns')).json().items.some((item: { id: string }) => item.id === id))
    t.equal((await call(other, 'POST', `/v1/campaigns/${campaignId}/hold`)).statusCode, 403, 'a public campaign is not another’s to hold')
    const publicTargets = (await call(null, 'GET', `/v1/campaigns/${campaignId}/targets?status=draft`)).json().items
    t.ok(publicTargets.length > 0)
    t.ok(
      publicTargets.every((item: { requestId: string | null }) => item.requestId === null),
      'the public gets no link to drafts',
    )
  })

  t.test('the campaign page lists agencies a hundred at a time, filtered as the API filters', async (t) => {
    const created = await call(organizer, 'POST', '/v1/campaigns', {
      title: 'Ring partnership records — Illinois',
      templateSlug: 'ring-partnership',
      targets: { state: 'IL', ringPartner: true },
    })
    t.equal(created.statusCode, 201)
    const { id, targetCount } = created.json()
    t.ok(targetCount > 100, `${targetCount} agencies`)
    const rows = (html: string) =>
      html.split('<table id="targets">')[1]?.split('<tbody>')[1]?.split('</tbody>')[0]?.match(/<tr>/g)?.length ?? 0
    const page = (query: string) => call(null, 'GET', `/campaigns/${id}${query}`)
    const first = await page('')
    t.equal(first.statusCode, 200)
    t.equal(rows(first.body), 100, 'the first hundred')
    const next = /href="([^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&')
    t.ok(next, 'a link to the next hundred')
    const second = await call(null, 'GET', next!)
    t.equal(rows(second.body), targetCount - 100, 'the rest')
    t.notMatch(second.body, /rel="next"/, 'no further page')
    t.match(second.body, /First agencies/)
    const firstNames = new Set([...first.body.matchAll(/href="\/agencies\/([0-9a-f-]{36})"/g)].map((match) => match[1]))
    t.notOk(
      [...second.body.matchAll(/href="\/agencies\/([0-9a-f-]{36})"/g)].some((match) => firstNames.has(match[1])),
      'no agency on both pages',
    )
    const drafts = await page('?status=draft&state=IL&overdue=')
    t.equal(rows(drafts.body), 100, 'blank filters are no filter')
    t.equal(rows((await page('?status=fulfilled')).body), 0)
    t.match((await page('?status=fulfilled')).body, /No agency of this campaign matches/)
    t.equal(rows((await page('?state=WA')).body), 0, 'another state')
    t.match(first.body, new RegExp(`href="/campaigns/${id}\\?status=draft#agencies-heading"`), 'each status count links to its agencies')
    for (const bad of ['?status=lost', '?state=Illinois', '?overdue=maybe', `?cursor=${'x'.repeat(600)}`, '?cursor=not-a-cursor']) {
      const refused = await page(bad)
      t.equal(refused.statusCode, 400, bad)
      t.match(refused.headers['content-type'], /^text\/html/, `${bad}: an error page`)
    }
  })

  t.test('bad input is answered with clear problems', async (t) => {
    const create = (payload: unknown, user: TestUser | null = organizer) => call(user, 'POST', '/v1/campaigns', payload)
    const base = { title: 'Bad', templateSlug: 'ring-partnership' }
    t.equal((await create({ ...base, targets: { state: 'WA' } }, null)).statusCode, 401)

    const unknown = [randomUUID(), randomUUID()]
    const known = await findAgencyId(app, 'state=WA&q=kent%20police')
    const unknownIds = await create({ ...base, agencyIds: [known, ...unknown] })
    t.equal(unknownIds.statusCode, 422)
    t.same(unknownIds.json().errors, [
      { path: 'body.agencyIds.1', message: 'Unknown agency' },
      { path: 'body.agencyIds.2', message: 'Unknown agency' },
    ])
    t.match(unknownIds.json().detail, unknown[0]!)

    const empty = await create({ ...base, targets: { state: 'WA', q: 'no such agency anywhere' } })
    t.equal(empty.statusCode, 422)
    t.match(empty.json(), { detail: /no agency/i, errors: [{ path: 'body.targets' }] })

    const tooMany = await create({ ...base, agencyIds: Array.from({ length: 10_000 }, () => randomUUID()) })
    t.equal(tooMany.statusCode, 400)
    t.match(tooMany.json().errors, [{ path: 'body.agencyIds' }])

    const wrongTypes = await create({ title: 5, templateSlug: 'ring-partnership', targets: { state: 'Washington', ringPartner: 'yes' } })
    t.equal(wrongTypes.statusCode, 400)
    t.same(
      wrongTypes
        .json()
        .errors.map((error: { path: string }) => error.path)
        .sort(),
      ['body.targets.ringPartner', 'body.targets.state', 'body.title'],
    )
    t.equal((await create(base)).statusCode, 400, 'neither targets nor agencyIds')
    t.equal((await create({ ...base, targets: { state: 'WA' }, extra: 1 })).statusCode, 400, 'unknown fields')
    const followUp = await create({ ...base, templateSlug: 'follow-up', targets: { state: 'WA' } })
    t.equal(followUp.statusCode, 422)
    t.same(followUp.json().errors, [{ path: 'body.templateSlug', message: 'Unknown request template' }])
    t.equal((await call(null, 'GET', `/v1/campaigns/${randomUUID()}`)).statusCode, 404)
    t.equal((await call(null, 'GET', '/v1/campaigns/not-a-uuid')).statusCode, 400)
    t.equal((await call(null, 'GET', `/v1/campaigns/${campaignId}/targets?cursor=garbage`)).statusCode, 400)
    t.equal((await call(null, 'GET', `/v1/campaigns/${campaignId}/targets?status=lost`)).statusCode, 400)
    const scheduledByMail = await call(organizer, 'POST', `/v1/campaigns/${campaignId}/submit`, {
      via: 'mail',
      sendAt: new Date().toISOString(),
    })
    t.equal(scheduledByMail.statusCode, 400)
    const farAhead = await call(organizer, 'POST', `/v1/campaigns/${campaignId}/submit`, {
      via: 'email',
      sendAt: new Date(Date.now() + 90 * DAY_MS).toISOString(),
    })
    t.equal(farAhead.statusCode, 422)
    const unknownAdded = await call(organizer, 'POST', `/v1/campaigns/${campaignId}/agencies`, { agencyIds: [unknown[0]] })
    t.equal(unknownAdded.statusCode, 422)
    t.equal((await call(organizer, 'POST', `/v1/campaigns/${campaignId}/agencies`, { agencyIds: [] })).statusCode, 400)
    const filedByMail = await call(organizer, 'POST', `/v1/campaigns/${campaignId}/submit`, { via: 'mail' })
    t.equal(filedByMail.statusCode, 200)
    t.equal(filedByMail.json().submitted, 4, 'the drafts without an address go by mail')
    const nothingLeft = await call(organizer, 'POST', `/v1/campaigns/${campaignId}/submit`, { via: 'mail' })
    t.equal(nothingLeft.statusCode, 409)
  })
})
