import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

type Operation = {
  parameters?: { in: string; name: string; description?: string }[]
  requestBody?: { content: Record<string, unknown> }
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>
}

t.test('the OpenAPI document types errors as problems and byte answers as what they are', async (t) => {
  const { app } = await buildTestApp(t)
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>
  }
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  )

  const errorTypes = new Set(
    operations.flatMap(({ operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .flatMap(([, response]) => Object.keys(response.content ?? {})),
    ),
  )
  t.same([...errorTypes], ['application/problem+json'], 'every error answer of every route is a problem document')

  const pdf = document.paths['/v1/requests/{id}/letter.pdf']!.get!
  t.same(Object.keys(pdf.responses['200']!.content!), ['application/pdf'])
  t.same(pdf.responses['200']!.content!['application/pdf']!.schema, { type: 'string', format: 'binary' })
  t.same(Object.keys(pdf.responses['404']!.content!), ['application/problem+json'], 'not typed PDF')

  const file = document.paths['/v1/documents/{id}/file']!.get!
  t.ok(file.responses['200']!.content!['application/pdf'], 'a stored file is bytes of its own type')
  t.notOk(file.responses['200']!.content!['application/json'])
  const mute = document.paths['/v1/requests/{id}/mute']!
  t.same(Object.keys(mute.post!.responses['200']!.content!), ['text/html'])
  t.ok(document.paths['/v1/agencies/import']!.post!.requestBody!.content['text/csv'], 'the import takes CSV')

  const undescribed = operations.flatMap(({ path, method, operation }) =>
    (operation.parameters ?? [])
      .filter((parameter) => parameter.in === 'query' && !parameter.description)
      .map((parameter) => `${method} ${path} ${parameter.name}`),
  )
  t.same(undescribed, [], 'every query parameter says what it does')
})
