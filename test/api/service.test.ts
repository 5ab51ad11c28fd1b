import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

t.test('health, OpenAPI and docs', async (t) => {
  const { app, ctx } = await buildTestApp(t)

  const health = await app.inject({ method: 'GET', url: '/health' })
  t.equal(health.statusCode, 200)
  const ocr = (await ctx.ocr.available()) ? 'ok' : 'unavailable'
  t.same(health.json(), { status: 'ok', checks: { postgres: 'ok', redis: 'ok', ocr } })

  const openapi = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(openapi.statusCode, 200)
  const document = openapi.json()
  t.match(document.openapi, /^3\./)
  for (const path of [
    '/v1/users',
    '/v1/me',
    '/v1/agencies',
    '/v1/agencies/{id}',
    '/v1/requests/{id}/events',
    '/v1/templates/{slug}/render',
    '/v1/jurisdictions/{code}',
    '/v1/requests/{id}/reminders',
    '/v1/requests/{id}/mute',
    '/v1/requests/submit',
    '/v1/requests/{id}/documents',
    '/v1/documents/{id}',
    '/v1/documents/{id}/file',
    '/v1/documents/{id}/text',
    '/v1/search',
  ]) {
    t.ok(document.paths[path], `documents ${path}`)
  }
  t.ok(document.components.schemas.Problem, 'problem schema is a component')
  t.same(document.paths['/v1/me'].get.security, [{ bearer: [] }])

  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)

  const unknown = await app.inject({ method: 'GET', url: '/v1/nothing-here' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8')

  t.test('health answers 503 naming the failing check when Redis is gone', async (t) => {
    ctx.redis.disconnect()
    const down = await app.inject({ method: 'GET', url: '/health' })
    t.equal(down.statusCode, 503)
    t.same(down.json(), { status: 'error', checks: { postgres: 'ok', redis: 'error', ocr } })
  })
})
