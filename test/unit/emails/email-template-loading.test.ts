import { cp, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t, { type Test } from 'tap'
import { EMAIL_TEMPLATE_NAMES, EMAIL_TEMPLATES_DIR, loadEmailTemplates } from '../../../src/modules/templates/email-templates.js'
import { TemplateLoadError } from '../../../src/modules/templates/liquid.js'
import { reminderContext } from './fixtures/email-fixtures.js'

/** A copy of the real templates in a temp dir, with `edits` applied (null deletes a file). */
async function editedCopy(t: Test, edits: Record<string, string | null>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emails-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await cp(EMAIL_TEMPLATES_DIR, dir, { recursive: true })
  for (const [name, text] of Object.entries(edits)) {
    if (text === null) await unlink(join(dir, name))
    else await writeFile(join(dir, name), text)
  }
  return dir
}

async function real(name: string): Promise<string> {
  return readFile(join(EMAIL_TEMPLATES_DIR, name), 'utf8')
}

t.test('the real directory holds exactly the two parts of every template', async (t) => {
  const files = (await readdir(EMAIL_TEMPLATES_DIR)).filter((file) => file.endsWith('.liquid')).sort()
  t.same(files, EMAIL_TEMPLATE_NAMES.flatMap((name) => [`${name}.html.liquid`, `${name}.txt.liquid`]).sort())
  const fromPath = await loadEmailTemplates(EMAIL_TEMPLATES_DIR)
  const fromUrl = await loadEmailTemplates(pathToFileURL(EMAIL_TEMPLATES_DIR))
  t.same(fromUrl.reminder(reminderContext('overdue')), fromPath.reminder(reminderContext('overdue')))
})

interface Broken {
  edits: Record<string, string | null>
  file: string
  problem: RegExp
}

const overdueText = await real('reminder-overdue.txt.liquid')
const overdueHtml = await real('reminder-overdue.html.liquid')

const BROKEN: Record<string, Broken> = {
  'a Liquid syntax error in an HTML part': {
    edits: { 'reminder-overdue.html.liquid': overdueHtml.replace('{%- if followUpLetter %}', '{%- if followUpLetter') },
    file: 'reminder-overdue.html.liquid',
    problem: /body: expected "\|" before filter, line:\d+/,
  },
  'an unclosed block in a text part': {
    edits: { 'reminder-overdue.txt.liquid': overdueText.replace('{% endif %}\n\nTo mute', '\n\nTo mute') },
    file: 'reminder-overdue.txt.liquid',
    problem: /body: .*not closed/,
  },
  'a misspelt field': {
    edits: {
      'reminder-due_soon.txt.liquid': (await real('reminder-due_soon.txt.liquid')).replace('{{ request.url }}', '{{ request.link }}'),
    },
    file: 'reminder-due_soon.txt.liquid',
    problem: /body: "request\.link": request has no field "link"/,
  },
  'an unknown variable in a subject': {
    edits: {
      'reminder-due_today.txt.liquid': (await real('reminder-due_today.txt.liquid')).replace('({{ agency.name }})', '({{ agencyName }})'),
    },
    file: 'reminder-due_today.txt.liquid',
    problem: /subject: "agencyName": unknown variable; available: kind, requester/,
  },
  'a field of another context': {
    edits: { 'letter.html.liquid': (await real('letter.html.liquid')).replace('{{ letter.body }}', '{{ requester.name }}') },
    file: 'letter.html.liquid',
    problem: /"requester\.name": unknown variable; available: letter/,
  },
  'a field of a plain value': {
    edits: {
      'reminder-due_soon.txt.liquid': (await real('reminder-due_soon.txt.liquid')).replace(
        '{% endif %}: {{ dueOn }}',
        '{% endif %}: {{ dueOn.year }}',
      ),
    },
    file: 'reminder-due_soon.txt.liquid',
    problem: /"dueOn\.year": dueOn is a plain value/,
  },
  'a field of a field': {
    edits: {
      'reminder-due_soon.html.liquid': (await real('reminder-due_soon.html.liquid')).replace(
        '{{ request.subject }}',
        '{{ request.subject.first }}',
      ),
    },
    file: 'reminder-due_soon.html.liquid',
    problem: /"request\.subject\.first": request\.subject is a plain value/,
  },
  'a dynamic lookup': {
    edits: {
      'reminder-due_soon.html.liquid': (await real('reminder-due_soon.html.liquid')).replace(
        '{{ request.subject }}',
        '{{ request[kind] }}',
      ),
    },
    file: 'reminder-due_soon.html.liquid',
    problem: /"request\.\[kind\]": name a field of request \(no dynamic lookups\)/,
  },
  'a misspelt field of the undelivered letter': {
    edits: {
      'delivery-failed.txt.liquid': (await real('delivery-failed.txt.liquid')).replace(
        '{{ failure.letter.body }}',
        '{{ failure.letter.text }}',
      ),
    },
    file: 'delivery-failed.txt.liquid',
    problem: /"failure\.letter\.text": failure\.letter has the fields subject, body/,
  },
  'invalid YAML': {
    edits: { 'letter.txt.liquid': '---\ndescription: [unclosed\nsubject: x\n---\n{{ letter.body }}\n' },
    file: 'letter.txt.liquid',
    problem: /front matter is not valid YAML/,
  },
  'an include': {
    edits: { 'agency-follow-up.html.liquid': `{% include 'header' %}${await real('agency-follow-up.html.liquid')}` },
    file: 'agency-follow-up.html.liquid',
    problem: /include/,
  },
  'the raw filter, which would skip HTML escaping': {
    edits: { 'letter.html.liquid': (await real('letter.html.liquid')).replace('{{ letter.body }}', '{{ letter.body | raw }}') },
    file: 'letter.html.liquid',
    problem: /undefined filter: raw/,
  },
  'missing front matter': {
    edits: { 'letter.txt.liquid': '{{ letter.body }}\n' },
    file: 'letter.txt.liquid',
    problem: /expected YAML front matter/,
  },
  'an unknown front matter key': {
    edits: { 'letter.txt.liquid': (await real('letter.txt.liquid')).replace('subject:', 'from: x\nsubject:') },
    file: 'letter.txt.liquid',
    problem: /front matter: Unrecognized key: "from"/,
  },
  'front matter in an HTML part': {
    edits: { 'letter.html.liquid': `---\nsubject: x\n---\n${await real('letter.html.liquid')}` },
    file: 'letter.html.liquid',
    problem: /front matter belongs in the \.txt\.liquid part/,
  },
  'an empty text body': {
    edits: { 'letter.txt.liquid': '---\ndescription: x\nsubject: "{{ letter.subject }}"\n---\n\n' },
    file: 'letter.txt.liquid',
    problem: /body is empty/,
  },
  'a missing part': {
    edits: { 'delivery-failed.html.liquid': null },
    file: 'delivery-failed.html.liquid',
    problem: /: missing$/,
  },
  'an unknown template file': {
    edits: { 'reminder-weekly.txt.liquid': overdueText },
    file: 'reminder-weekly.txt.liquid',
    problem: /not an email template/,
  },
}

for (const [label, { edits, file, problem }] of Object.entries(BROKEN)) {
  t.test(`${label} fails the load, naming the file`, async (t) => {
    const dir = await editedCopy(t, edits)
    const error = await loadEmailTemplates(dir).then(
      () => null,
      (reason: unknown) => reason,
    )
    t.type(error, TemplateLoadError)
    if (!(error instanceof TemplateLoadError)) return
    t.equal(error.file, join(dir, file))
    t.match(error.message, join(dir, file))
    t.match(error.message, problem)
  })
}

t.test('several broken files are all named', async (t) => {
  const dir = await editedCopy(t, {
    'letter.txt.liquid': '{{ letter.body }}\n',
    'reminder-due_soon.html.liquid': '<p>{{ nope }}</p>',
  })
  await t.rejects(loadEmailTemplates(dir), {
    message: new RegExp(
      `^Invalid email templates:\\n- ${join(dir, 'reminder-due_soon.html.liquid')}: .*\\n- ${join(dir, 'letter.txt.liquid')}: `,
    ),
  })
})

t.test('files that are not .liquid (a README) are ignored', async (t) => {
  const dir = await editedCopy(t, { 'NOTES.md': '{% include "x" %}' })
  await t.resolves(loadEmailTemplates(dir))
})
