import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createPageEngine } from '../../../src/modules/templates/liquid.js'

// The page engine keeps the HTML engine's safety: escaped output, no raw, strict variables, own
// properties only; it reads views (layouts, partials) and nothing else.
const views = await mkdtemp(join(tmpdir(), 'rr-views-'))
t.teardown(() => rm(views, { recursive: true, force: true }))
await mkdir(join(views, 'partials'))
await writeFile(join(views, 'layout.liquid'), '<main>{% block content %}{% endblock %}</main>')
await writeFile(join(views, 'partials', 'item.liquid'), '<li>{{ text }}</li>')
await writeFile(
  join(views, 'page.liquid'),
  '{% layout layout %}{% block content %}<h1>{{ title }}</h1>{% render partials/item, text: title %}{% endblock %}',
)
const engine = createPageEngine(views)

t.test('a view renders in its layout with partials, every value escaped', async (t) => {
  const html = await engine.renderFile('page', { title: '<script>alert(1)</script>' })
  t.equal(html, '<main><h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><li>&lt;script&gt;alert(1)&lt;/script&gt;</li></main>')
})

t.test('nothing opts out of escaping or reaches past the context', async (t) => {
  t.throws(() => engine.parse('{{ x | raw }}'), /undefined filter: raw/)
  t.throws(() => engine.parse('{% include partials/item %}'), /tag "include" not found/)
  await t.rejects(engine.parseAndRender('{{ missing }}', {}), /undefined variable: missing/)
  await t.rejects(engine.parseAndRender('{{ x.constructor }}', { x: {} }), /undefined variable/)
  await t.rejects(engine.parseAndRender('{% render ../../etc/passwd %}', {}), /ENOENT|illegal|not found|Failed to lookup/i)
})
