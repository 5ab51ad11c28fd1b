// "Public" is decided twice: canSeeDocument() in TypeScript (request-access.ts) for the API, and
// document_is_public() in SQL (migration 0021, through the document_pages triggers) for search.
// This pins the two to one rule.
import t from 'tap'
import { VISIBILITIES } from '../../src/db/schema/requests.js'
import { canSeeDocument } from '../../src/modules/requests/request-access.js'
import { REQUEST_STATUSES } from '../../src/modules/requests/request-status.js'
import { findRequest } from '../../src/modules/requests/requests.repository.js'
import { buildTestApp, findAgencyId, signUp } from '../helpers/app.js'

t.test('search’s public copy of a page agrees with canSeeDocument for every status, visibility and publication', async (t) => {
  const { app, ctx } = await buildTestApp(t)
  const owner = await signUp(app)
  const agencyId = await findAgencyId(app, 'state=WA&q=spokane%20police')
  const { id } = (
    await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: owner.headers,
      payload: { agencyId, templateSlug: 'ring-partnership' },
    })
  ).json()
  const sql = ctx.database.sql
  const [document] = (await sql`
    insert into documents (request_id, title, kind, filename, mime_type, size, sha256, received_at, status)
    values (${id}, 'MOU', 'agreement', 'mou.txt', 'text/plain', 3, ${'a'.repeat(64)}, now(), 'ready') returning id`) as unknown as [
    { id: string },
  ]
  await sql`insert into document_pages (document_id, page, text) values (${document.id}, 1, 'Neighbors Portal')`
  for (const publishedAt of [null, new Date('2026-10-01T00:00:00Z')]) {
    await sql`update documents set published_at = ${publishedAt?.toISOString() ?? null} where id = ${document.id}`
    for (const visibility of VISIBILITIES) {
      for (const status of REQUEST_STATUSES) {
        await sql`update requests set status = ${status}, visibility = ${visibility} where id = ${id}`
        const [page] = (await sql`select public from document_pages where document_id = ${document.id}`) as unknown as [{ public: boolean }]
        const found = (await findRequest(ctx.db, id))!
        t.equal(
          page.public,
          canSeeDocument(null, found.request, { publishedAt }),
          `${visibility} ${status} ${publishedAt ? 'published' : 'unpublished'}`,
        )
      }
    }
  }
})
