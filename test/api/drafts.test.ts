import { access } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'
import { file, makePdf, upload } from '../helpers/documents.js'

t.test('a draft can be deleted by its requester; a filed request cannot', async (t) => {
  const { app, config } = await buildTestApp(t)
  const admin = await signUp(app)
  const owner = await signUp(app)
  const stranger = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const create = async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: owner.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
    ).json()
  const remove = (id: string, headers = owner.headers) => app.inject({ method: 'DELETE', url: `/v1/requests/${id}`, headers })

  const draft = await create()
  const uploaded = await upload(app, draft.id, owner.headers, [file(await makePdf(['Draft attachment']), 'mou.pdf')])
  const sha256 = uploaded.json().items[0].sha256 as string
  const stored = join(config.storageDir, 'objects', sha256.slice(0, 2), sha256)
  await access(stored)

  t.equal((await remove(draft.id, stranger.headers)).statusCode, 404, 'another member cannot see it, so cannot delete it')
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/requests/${draft.id}` })).statusCode, 401)
  t.equal((await remove('not-a-uuid')).statusCode, 400)
  t.equal((await remove('00000000-0000-4000-8000-000000000000')).statusCode, 404)
  t.equal((await remove(draft.id)).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: `/v1/requests/${draft.id}`, headers: owner.headers })).statusCode, 404, 'gone')
  await t.rejects(access(stored), 'the bytes no other document holds are removed too')
  t.equal((await remove(draft.id)).statusCode, 404, 'deleting twice is a 404')

  const byAdmin = await create()
  t.equal((await remove(byAdmin.id, admin.headers)).statusCode, 204, 'an administrator may delete anyone’s draft')

  const filed = await create()
  await app.inject({ method: 'POST', url: `/v1/requests/${filed.id}/submit`, headers: owner.headers, payload: { via: 'mail' } })
  const refused = await remove(filed.id)
  t.equal(refused.statusCode, 409)
  t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(refused.json().detail, /Only drafts can be deleted; this request is submitted/)
  t.equal(
    (await app.inject({ method: 'GET', url: `/v1/requests/${filed.id}`, headers: owner.headers })).statusCode,
    200,
    'the filed request is kept',
  )
})

t.test('a draft is rendered again from new variables; a filed letter is not', async (t) => {
  const { app } = await buildTestApp(t)
  const owner = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const draft = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: owner.headers,
      payload: { agencyId, templateSlug: 'ring-partnership', variables: { date_from: 'January 1, 2019' } },
    })
  ).json()
  t.match(draft.body, /from January 1, 2019 through/)
  const patch = (payload: Record<string, unknown>) =>
    app.inject({ method: 'PATCH', url: `/v1/requests/${draft.id}`, headers: owner.headers, payload })

  const rerendered = await patch({
    variables: { date_from: 'March 3, 2020', additional_records: 'training slides about the Neighbors Portal' },
  })
  t.equal(rerendered.statusCode, 200)
  t.match(rerendered.json().body, /from March 3, 2020 through/)
  t.match(rerendered.json().body, /training slides about the Neighbors Portal/)
  t.notMatch(rerendered.json().body, /January 1, 2019/)

  const invalid = await patch({ variables: { date_from: 42 } })
  t.equal(invalid.statusCode, 400)
  t.match(invalid.json().errors, [{ path: /variables\.date_from/ }])
  const unknown = await patch({ variables: { no_such_variable: 'x' } })
  t.equal(unknown.statusCode, 400, 'a variable the template does not take is named')

  const subjectWins = await patch({ variables: { date_from: 'May 5, 2021' }, subject: 'My own subject' })
  t.equal(subjectWins.json().subject, 'My own subject', 'a subject given in the same call wins over the rendered one')
  t.match(subjectWins.json().body, /May 5, 2021/)

  await app.inject({ method: 'POST', url: `/v1/requests/${draft.id}/submit`, headers: owner.headers, payload: { via: 'mail' } })
  const late = await patch({ variables: { date_from: 'June 6, 2022' } })
  t.equal(late.statusCode, 409)
})
