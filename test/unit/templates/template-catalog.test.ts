import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { TemplateLoadError } from '../../../src/modules/templates/liquid.js'
import {
  createTemplateCatalog,
  LETTER_TEMPLATES_DIR,
  loadTemplateCatalog,
  parseLetterTemplate,
  toTemplateSummary,
} from '../../../src/modules/templates/template-catalog.js'

const VALID = `---
title: Test letter
description: A letter for tests.
kind: request
subject: "Request to {{ agency.name }}"
variables:
  - name: topic
    description: What to ask for.
    required: true
---
Dear Records Officer:

Please send records about {{ variables.topic }}.
`

async function tempDir(t: Test, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'letters-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

t.test('the real catalog loads the four letters with their metadata', async (t) => {
  const catalog = await loadTemplateCatalog()
  const slugs = catalog.list().map((template) => template.slug)
  t.same(slugs, ['neighbors-portal-requests', 'ring-partnership', 'follow-up', 'appeal'], 'requests first, then follow-ups, then appeals')

  const ring = catalog.get('ring-partnership')
  t.ok(ring)
  t.equal(ring?.kind, 'request')
  t.match(ring?.title, /Ring/)
  t.ok(ring && ring.subjectTemplate.length > 0 && ring.bodyTemplate.length > 0, 'subject and body are parsed at load')
  t.match(ring?.variables, [
    { name: 'date_from', required: false, default: 'January 1, 2018' },
    { name: 'date_to', required: false },
    { name: 'fee_threshold', required: false, default: '$25' },
  ])
  t.equal(catalog.get('follow-up')?.kind, 'follow_up')
  t.equal(catalog.get('appeal')?.kind, 'appeal')
  t.equal(catalog.get('neighbors-portal-requests')?.kind, 'request')
  t.equal(catalog.get('nope'), undefined)
  for (const template of catalog.list()) {
    t.ok(
      template.variables.some((variable) => variable.name === 'fee_threshold' && variable.default === '$25'),
      `${template.slug} has a fee threshold`,
    )
  }
})

t.test('the default directory can be given as a URL or a path', async (t) => {
  const fromUrl = await loadTemplateCatalog(new URL('../../../templates/letters/', import.meta.url))
  const fromPath = await loadTemplateCatalog(LETTER_TEMPLATES_DIR)
  t.same(fromUrl.list().map(toTemplateSummary), fromPath.list().map(toTemplateSummary))
})

t.test('summaries are plain JSON', async (t) => {
  const catalog = await loadTemplateCatalog()
  const summary = toTemplateSummary(catalog.get('appeal')!)
  t.same(Object.keys(summary).sort(), ['description', 'kind', 'slug', 'title', 'variables'])
  t.same(JSON.parse(JSON.stringify(summary)), summary)
  t.match(summary.variables, [{ name: 'determination_date', required: false, default: null }])
})

t.test('a valid template from a temp directory loads', async (t) => {
  const dir = await tempDir(t, { 'test-letter.liquid': VALID, 'README.md': 'not a template' })
  const catalog = await loadTemplateCatalog(dir)
  t.same(
    catalog.list().map((template) => template.slug),
    ['test-letter'],
  )
})

const BROKEN: Record<string, { text: string; problem: RegExp }> = {
  'no front matter': { text: 'Dear Records Officer:\n', problem: /expected YAML front matter/ },
  'invalid YAML': { text: VALID.replace('kind: request', 'kind: [request'), problem: /not valid YAML/ },
  'unknown kind': { text: VALID.replace('kind: request', 'kind: complaint'), problem: /front matter kind:/ },
  'missing title': { text: VALID.replace('title: Test letter\n', ''), problem: /front matter title:/ },
  'unknown key': { text: VALID.replace('kind: request', 'kind: request\ncolour: red'), problem: /colour/ },
  'bad variable name': { text: VALID.replace('name: topic', 'name: Topic-Name'), problem: /variables\.0\.name: must be snake_case/ },
  'required with default': {
    text: VALID.replace('required: true', 'required: true\n    default: x'),
    problem: /a required variable cannot have a default/,
  },
  'non-boolean required': { text: VALID.replace('required: true', 'required: "yes"'), problem: /variables\.0\.required/ },
  'unclosed tag in body': {
    text: VALID.replace('{{ variables.topic }}.', '{% if variables.topic %}x'),
    problem: /body: tag \{% if variables\.topic %\} not closed/,
  },
  'unknown filter': {
    text: VALID.replace('{{ variables.topic }}', '{{ variables.topic | shout }}'),
    problem: /body: undefined filter: shout/,
  },
  'broken subject': {
    text: VALID.replace('subject: "Request to {{ agency.name }}"', 'subject: "Request {{ agency.name"'),
    problem: /subject: /,
  },
  'include tag': { text: VALID.replace('Please', '{% include "secrets" %}Please'), problem: /tag "include" not found/ },
  'render tag': { text: VALID.replace('Please', "{% render '/etc/passwd' %}Please"), problem: /tag "render" not found/ },
  'undeclared variable': {
    text: VALID.replace('{{ variables.topic }}', '{{ variables.topik }}'),
    problem: /"variables\.topik": variable "topik" is not declared/,
  },
  'misspelt field': {
    text: VALID.replace('{{ agency.name }}', '{{ agency.nmae }}'),
    problem: /subject: "agency\.nmae": agency has no field "nmae"/,
  },
  'unknown root': { text: VALID.replace('Please', '{{ process.env }}Please'), problem: /"process\.env": unknown variable/ },
  'request in a request letter': {
    text: VALID.replace('Please', '{{ request.subject }}Please'),
    problem: /request templates have no request/,
  },
  'whole object': { text: VALID.replace('Please', '{{ jurisdiction }}Please'), problem: /"jurisdiction": name a field/ },
  'dynamic lookup': { text: VALID.replace('Please', '{{ variables[agency.name] }}Please'), problem: /no dynamic lookups/ },
  'prototype property': { text: VALID.replace('Please', '{{ agency.constructor }}Please'), problem: /agency has no field "constructor"/ },
  'empty body': { text: VALID.slice(0, VALID.indexOf('Dear')), problem: /body is empty/ },
}

for (const [name, { text, problem }] of Object.entries(BROKEN)) {
  t.test(`loading fails at boot naming the file: ${name}`, async (t) => {
    const dir = await tempDir(t, { 'good-one.liquid': VALID, 'broken.liquid': text })
    const error = await loadTemplateCatalog(dir).then(
      () => null,
      (error: unknown) => error,
    )
    t.type(error, TemplateLoadError)
    const message = (error as Error).message
    t.ok(message.startsWith(join(dir, 'broken.liquid')), `names the file: ${message}`)
    t.match(message, problem)
  })
}

t.test('a file name that is not a slug is refused', async (t) => {
  const dir = await tempDir(t, { 'Bad_Name.liquid': VALID })
  await t.rejects(loadTemplateCatalog(dir), { name: 'TemplateLoadError', message: /Bad_Name\.liquid: slug "Bad_Name" must match/ })
})

t.test('every broken file is reported, not just the first', async (t) => {
  const dir = await tempDir(t, {
    'one.liquid': VALID.replace('kind: request', 'kind: nope'),
    'two.liquid': VALID.replace('{{ variables.topic }}', '{{ variables.other }}'),
    'three.liquid': VALID,
  })
  const error = await loadTemplateCatalog(dir).then(
    () => null,
    (error: unknown) => error as Error,
  )
  t.match(error?.message, /one\.liquid: front matter kind/)
  t.match(error?.message, /two\.liquid: body: "variables\.other"/)
  t.notMatch(error?.message, /three\.liquid/)
})

t.test('all problems in one file are listed together', async (t) => {
  const text = VALID.replace('{{ agency.name }}', '{{ agency.nmae }}').replace(
    '{{ variables.topic }}',
    '{{ variables.x }} {{ today.year }}',
  )
  t.throws(() => parseLetterTemplate(text, 'multi', 'multi.liquid'), {
    message: /multi\.liquid: subject: .*agency\.nmae.*; body: .*variables\.x.*; body: "today\.year": today is a string/,
  })
})

t.test('an empty directory is a configuration error', async (t) => {
  const dir = await tempDir(t, {})
  await t.rejects(loadTemplateCatalog(dir), /No letter templates/)
})

t.test('follow-up and appeal templates may read the request', async (t) => {
  const text = VALID.replace('kind: request', 'kind: follow_up').replace(
    'Please',
    'About {{ request.subject }} ({{ request.daysLate }}). Please',
  )
  t.equal(parseLetterTemplate(text, 'ok', 'ok.liquid').kind, 'follow_up')
})

t.test('duplicate slugs are refused', async (t) => {
  const template = parseLetterTemplate(VALID, 'same', 'a.liquid')
  t.throws(() => createTemplateCatalog([template, { ...template, source: 'b.liquid' }]), /b\.liquid: duplicate slug "same"/)
})
