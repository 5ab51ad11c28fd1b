import t from 'tap'
import type { TemplateVariable } from '../../../src/modules/templates/template.types.js'
import { MAX_VARIABLE_LENGTH, resolveTemplateVariables } from '../../../src/modules/templates/template-variables.js'

const template: { variables: TemplateVariable[] } = {
  variables: [
    { name: 'date_from', description: 'Start', required: false, default: 'January 1, 2018' },
    { name: 'case_number', description: 'Case', required: true, default: null },
    { name: 'note', description: 'Optional note', required: false, default: null },
  ],
}

t.test('defaults are applied and optional variables without a default become empty', async (t) => {
  const result = resolveTemplateVariables(template, { case_number: '2026-00123' })
  t.same(result, { ok: true, variables: { date_from: 'January 1, 2018', case_number: '2026-00123', note: '' } })
})

t.test('supplied values win, are trimmed and get LF line endings; null means not supplied', async (t) => {
  const result = resolveTemplateVariables(template, {
    date_from: '  June 1, 2020 ',
    case_number: 'A-1',
    note: 'line one\r\nline two\rline three',
  })
  t.same(result, { ok: true, variables: { date_from: 'June 1, 2020', case_number: 'A-1', note: 'line one\nline two\nline three' } })
  const withNull = resolveTemplateVariables(template, { case_number: 'A-1', date_from: null })
  t.same(withNull.ok && withNull.variables.date_from, 'January 1, 2018')
})

t.test('Liquid syntax in values is kept as data', async (t) => {
  const result = resolveTemplateVariables(template, { case_number: '{{ 7*7 }} {% raw %}' })
  t.same(result, { ok: true, variables: { date_from: 'January 1, 2018', case_number: '{{ 7*7 }} {% raw %}', note: '' } })
})

t.test('every problem is listed at once, with its path', async (t) => {
  const result = resolveTemplateVariables(template, {
    nope: 'x',
    date_from: 2018,
    note: 'x'.repeat(MAX_VARIABLE_LENGTH + 1),
  })
  t.equal(result.ok, false)
  if (result.ok) return
  t.same(
    result.errors.map((error) => error.path),
    ['variables.nope', 'variables.date_from', 'variables.case_number', 'variables.note'],
  )
  t.match(result.errors[0]?.message, /Unknown variable; this template accepts: date_from, case_number, note/)
  t.match(result.errors[1]?.message, /Must be a string, got number/)
  t.equal(result.errors[2]?.message, 'Required')
  t.match(result.errors[3]?.message, /at most 5000 characters/)
})

t.test('a literal __proto__ key (as JSON.parse makes it) is an unknown variable, not a prototype', async (t) => {
  const supplied = JSON.parse('{"__proto__": "x", "case_number": "A-1"}') as Record<string, unknown>
  const result = resolveTemplateVariables(template, supplied)
  t.same(result, {
    ok: false,
    errors: [{ path: 'variables.__proto__', message: 'Unknown variable; this template accepts: date_from, case_number, note' }],
  })
})

t.test('non-string values of every kind are refused', async (t) => {
  for (const value of [1, true, ['a'], { a: 1 }]) {
    const result = resolveTemplateVariables(template, { case_number: value })
    t.equal(result.ok, false, JSON.stringify(value))
    t.match(!result.ok && result.errors[0], { path: 'variables.case_number', message: /Must be a string/ })
  }
})

t.test('required values that are blank after trimming are missing', async (t) => {
  const result = resolveTemplateVariables(template, { case_number: ' \n ' })
  t.same(result, { ok: false, errors: [{ path: 'variables.case_number', message: 'Required' }] })
})

t.test('the length limit counts characters, not UTF-16 units', async (t) => {
  const emoji = '📹'.repeat(MAX_VARIABLE_LENGTH)
  t.equal(resolveTemplateVariables(template, { case_number: emoji }).ok, true, '5000 emoji are 5000 characters')
  t.equal(resolveTemplateVariables(template, { case_number: `${emoji}x` }).ok, false)
  t.equal(resolveTemplateVariables(template, { case_number: 'é'.repeat(MAX_VARIABLE_LENGTH) }).ok, true)
})

t.test('control characters are refused; tabs and newlines are fine', async (t) => {
  t.equal(resolveTemplateVariables(template, { case_number: 'A\u0000B' }).ok, false)
  t.equal(resolveTemplateVariables(template, { case_number: 'A\u001bB' }).ok, false)
  t.equal(resolveTemplateVariables(template, { case_number: 'A\tB\nC' }).ok, true)
})
