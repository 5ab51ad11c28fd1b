import t from 'tap'
import { buildLetterContext } from '../../../src/modules/templates/letter-context.js'
import { LetterRenderError, normalizeLetterText, renderLetter } from '../../../src/modules/templates/letter-renderer.js'
import { textEngine } from '../../../src/modules/templates/liquid.js'
import { describeResponsePeriod } from '../../../src/modules/templates/response-period.js'
import type { LetterTemplate, RenderedLetter } from '../../../src/modules/templates/template.types.js'
import { loadTemplateCatalog, parseLetterTemplate } from '../../../src/modules/templates/template-catalog.js'
import { resolveTemplateVariables } from '../../../src/modules/templates/template-variables.js'
import { contextFor, law, RECORDS_LAWS, SAMPLE_REQUEST, SCENARIOS, type Scenario } from './fixtures/letter-fixtures.js'

const catalog = await loadTemplateCatalog()
const SLUGS = ['ring-partnership', 'neighbors-portal-requests', 'follow-up', 'appeal'] as const

function template(slug: string): LetterTemplate {
  const found = catalog.get(slug)
  if (!found) throw new Error(`missing template ${slug}`)
  return found
}

function scenario(code: string): Scenario {
  const found = SCENARIOS.find((s) => s.code === code)
  if (!found) throw new Error(`missing scenario ${code}`)
  return found
}

function render(slug: string, code: string, options: Parameters<typeof contextFor>[2] = {}): RenderedLetter {
  const tpl = template(slug)
  return renderLetter(tpl, contextFor(tpl, scenario(code), options))
}

/** Paragraphs and lists, as the PDF renderer and mailer split them. */
function blocks(body: string): string[] {
  return body.split('\n\n')
}

const EXPECTED_PERIOD: Record<string, string | null> = {
  WA: 'five business days',
  CA: 'ten calendar days',
  TX: 'ten business days',
  NY: 'five business days',
  US: 'twenty business days',
  AZ: null,
}

for (const slug of SLUGS) {
  for (const s of SCENARIOS) {
    t.test(`${slug} for ${s.agency.name} (${s.code})`, async (t) => {
      const jurisdiction = law(s.code)
      const { subject, body } = render(slug, s.code)

      t.test('subject is one clean line', async (t) => {
        t.notMatch(subject, /\n/)
        t.equal(subject, subject.trim())
        t.ok(subject.length > 10 && subject.length < 200, subject)
        if (slug === 'follow-up') t.match(subject, /^Follow-up: .*\(reference P012345-030226\)$/)
        if (slug === 'appeal') t.match(subject, /^Appeal: /)
        if (slug === 'ring-partnership') t.equal(subject, `Public records request: Ring partnership records (${s.agency.name})`)
      })

      t.test('plain-text conventions', async (t) => {
        t.notMatch(body, /\n{3,}/, 'no triple newlines')
        t.notMatch(body, /[ \t]+$/m, 'no trailing whitespace')
        t.equal(body, body.trim(), 'no leading or trailing blank lines')
        t.notMatch(body, /\r/)
        for (const leak of ['undefined', '[object Object]', '{{', '}}', '{%', '%}', 'null', 'NaN']) {
          t.notOk(body.includes(leak), `no "${leak}" in body`)
          t.notOk(subject.includes(leak), `no "${leak}" in subject`)
        }
        t.match(body, /^Dear Records Officer:\n\n/, 'starts with a salutation')
        t.notMatch(body.split('\n')[0], /\d{4}/, 'no date header')
        t.notOk(body.includes(`Subject:`), 'no subject line in the body')
      })

      t.test('lists are blocks of "- " lines', async (t) => {
        const lists = blocks(body).filter((block) => block.startsWith('- '))
        t.ok(lists.length >= 1, 'has a list')
        for (const list of lists) {
          for (const line of list.split('\n')) t.match(line, /^- \S/, `list line: ${line.slice(0, 40)}`)
        }
        for (const block of blocks(body).filter((block) => !block.startsWith('- '))) {
          t.notMatch(block, /\n- /, 'no list item glued to a paragraph')
        }
      })

      t.test('cites the law and states the period in words', async (t) => {
        t.ok(body.includes(jurisdiction.lawName), jurisdiction.lawName)
        t.ok(body.includes(jurisdiction.citation), jurisdiction.citation)
        const period = EXPECTED_PERIOD[s.code]
        if (period) {
          t.ok(body.includes(period), `period "${period}"`)
          if (slug !== 'appeal') t.ok(body.includes(`within ${period}`), `"within ${period}"`)
        } else {
          t.notMatch(body, /within \w+ (business|calendar) days? of/, 'invents no statutory period')
          if (slug === 'follow-up') t.match(body, /does not set a fixed number of days/)
          else t.match(body, /ten business days/)
        }
      })

      t.test('electronic records, fee waiver, threshold and exemptions', async (t) => {
        t.match(body, /electronic form, by email to \S+@\S+ or through a download link/)
        t.match(body, /native format/)
        t.match(body, /text-searchable PDF/)
        t.match(body, /(waiver of all fees|Waive all fees)/)
        t.match(body, /public interest/)
        t.match(body, /not for commercial use/)
        t.match(body, /before incurring fees above \$25/)
        t.match(body, /specific exemption/)
        t.match(body, /segregable/)
      })

      t.test('signature block is the last block, with the Unicode name intact', async (t) => {
        const last = blocks(body).at(-1) ?? ''
        const expected = ['Sincerely,', s.requester.name]
        const address = s.requester.mailingAddress
          ?.split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
        if (address) expected.push(...address)
        expected.push(s.requester.email)
        t.equal(last, expected.join('\n'))
        t.equal(body.match(/Sincerely,/g)?.length, 1)
        t.ok(body.normalize('NFC') === body, 'text stays NFC')
      })

      t.test('names the agency', async (t) => {
        t.ok(body.includes(s.agency.name))
      })
    })
  }
}

t.test('ring-partnership asks for every part of the partnership', async (t) => {
  const { body } = render('ring-partnership', 'WA')
  const list = blocks(body).find((block) => block.startsWith('- ')) ?? ''
  t.equal(list.split('\n').length, 7, 'seven kinds of records')
  for (const phrase of [
    'Ring LLC',
    'Amazon.com, Inc.',
    'memorandum of understanding',
    'amendments, addenda, renewals',
    'email',
    'text and chat messages',
    'calendar invitations',
    'minutes of meetings',
    '@ring.com',
    'Neighbors Portal',
    'Neighbors Public Safety Service',
    'how many such requests',
    'free or discounted Ring devices',
    'coupons',
    'donation programs',
    'who received them',
    'Talking points',
    'press releases',
    'social media posts',
    'drafted, reviewed, edited or approved',
    'Training materials',
    'presentations',
    'shared, retained and accessed',
    'hold or have held Neighbors Portal',
    'from January 1, 2018 through the date of your search',
  ]) {
    t.ok(body.includes(phrase), phrase)
  }
})

t.test('ring-partnership variables: dates, threshold, description and an extra item', async (t) => {
  const { body } = render('ring-partnership', 'CA', {
    supplied: {
      date_from: 'June 1, 2019',
      date_to: 'December 31, 2025',
      fee_threshold: '$50',
      about_requester: ' a reporter for the Ventura County Star. ',
      additional_records: 'Records of the agency’s\nparticipation in Ring’s “Neighbors” webinars',
    },
  })
  t.match(body, /from June 1, 2019 through December 31, 2025/)
  t.match(body, /fees above \$50,/)
  t.match(body, /I am a reporter for the Ventura County Star\. This request/)
  const list = blocks(body).find((block) => block.startsWith('- ')) ?? ''
  t.equal(list.split('\n').length, 8)
  t.equal(
    list.split('\n').at(-1),
    '- Records of the agency’s participation in Ring’s “Neighbors” webinars.',
    'extra item on one line, ending with a full stop',
  )

  const question = render('ring-partnership', 'CA', { supplied: { additional_records: 'Records of “Operation Porch Pirate.”' } }).body
  t.match(question, /\n- Records of “Operation Porch Pirate\.”\n\n/, 'an item that already ends a sentence gets no second full stop')
})

t.test('neighbors-portal-requests asks for the details of each request', async (t) => {
  const { body } = render('neighbors-portal-requests', 'TX', { supplied: { date_from: 'January 1, 2021' } })
  for (const phrase of [
    'Request for Assistance',
    'case or incident number',
    'the date it was sent',
    'the area it covered',
    'number of residents or devices it reached',
    'responses to each request',
    'counts of requests by month',
    'Policies, procedures',
    'from January 1, 2021 through the date of your search',
    'within ten business days of its receipt',
  ]) {
    t.ok(body.includes(phrase), phrase)
  }
})

t.test('follow-up cites dates, tracking number, deadline and lateness', async (t) => {
  const wa = render('follow-up', 'WA').body
  t.match(wa, /submitted to the Spokane Police Department on March 2, 2026/)
  t.match(wa, /your reference number P012345-030226/)
  t.match(wa, /requires a response within five business days of receipt, and according to my records a response was due by March 9, 2026\./)
  t.match(wa, /It has now been 28 days since I submitted the request, and 21 days since the response was due\./)
  t.match(wa, /I received your acknowledgment/)
  t.match(wa, /current status of the request and the date by which you expect to complete it\./)
  t.match(wa, /treat the lack of response as a denial/)

  const noTracking = render('follow-up', 'CA', {
    request: { ...SAMPLE_REQUEST, trackingNumber: null, status: 'submitted', dueOn: '2026-03-12' },
    today: '2026-03-13',
  })
  t.notMatch(noTracking.subject, /reference/)
  t.notMatch(noTracking.body, /reference number P/)
  t.match(noTracking.body, /and any reference number you have assigned to it/)
  t.match(
    noTracking.body,
    /It has now been 11 days since I submitted the request, and 1 day since the response was due\. I have not received a response\./,
  )

  const notYetDue = render('follow-up', 'NY', { today: '2026-03-03' })
  t.match(notYetDue.body, /a response is due by March 9, 2026\. It has now been 1 day since I submitted the request\. I received/)

  const az = render('follow-up', 'AZ').body
  t.match(
    az,
    /Arizona Public Records Law does not set a fixed number of days for a response, but it requires a response without unreasonable delay\. It has now been 28 days since I submitted the request\. I/,
  )
  t.notMatch(az, /since the response was due/)
  const azExpected = render('follow-up', 'AZ', {
    request: {
      subject: 'Ring records',
      submittedOn: '2026-03-02',
      dueOn: null,
      expectedOn: '2026-03-16',
      trackingNumber: null,
      status: 'submitted',
    },
  }).body
  t.match(
    azExpected,
    /requires a response without unreasonable delay\. That is not a statutory deadline, but I expected a response by March 16, 2026\./,
    'an expected date is never called a deadline',
  )
  t.notMatch(azExpected, /was due|is due/)

  const note = render('follow-up', 'WA', { supplied: { additional_note: 'To help, I can narrow the request to 2020.\n\nThank you.' } }).body
  t.match(note, /non-exempt portions\.\n\nTo help, I can narrow the request to 2020\.\n\nThank you\.\n\nThank you for your attention/)
})

t.test('appeal wording follows the request status', async (t) => {
  const denied = render('appeal', 'NY', {
    request: { ...SAMPLE_REQUEST, status: 'rejected' },
    supplied: { determination_date: 'April 6, 2026', agency_reason: 'the records are exempt under § 87(2)(e)' },
  }).body
  t.match(
    denied,
    /On April 6, 2026, the agency denied my request\. I appeal that denial in full\. The reason given was: the records are exempt under § 87\(2\)\(e\)\.\n\n/,
  )
  t.match(denied, /exemptions are read narrowly/)
  t.match(denied, /Where only part of a record is exempt, the law requires the rest to be released/)
  t.match(denied, /written decision on this appeal/)
  t.ok(denied.includes(law('NY').appealProcess), 'names the law’s appeal process')
  t.match(denied, /within five business days/)

  const partial = render('appeal', 'WA', { request: { ...SAMPLE_REQUEST, status: 'partially_fulfilled' } }).body
  t.match(partial, /The agency released some records but withheld others in whole or in part\./)

  const none = render('appeal', 'TX', { request: { ...SAMPLE_REQUEST, status: 'no_records' } }).body
  t.match(none, /told me that it found no responsive records/)
  t.match(none, /Please describe the search that was made/)

  const silent = render('appeal', 'CA', { request: { ...SAMPLE_REQUEST, status: 'submitted' } }).body
  t.match(
    silent,
    /I have not received a decision on my request, which was due by March 9, 2026, 21 days ago\. I treat the lack of a timely response as a denial/,
  )

  const azSilent = render('appeal', 'AZ', { request: { ...SAMPLE_REQUEST, dueOn: null, status: 'acknowledged' } }).body
  t.match(azSilent, /I have not received a decision on my request\. I treat/)
  t.match(azSilent, /No administrative appeal; special action in superior court/)
  t.match(azSilent, /request that the agency reconsider its response/)

  const other = render('appeal', 'US', { request: { ...SAMPLE_REQUEST, status: 'appealed' } }).body
  t.match(other, /I appeal the agency's response to my request\./)
  t.match(other, /Federal Bureau of Investigation's handling/)

  const args = render('appeal', 'WA', {
    request: { ...SAMPLE_REQUEST, status: 'rejected' },
    supplied: { arguments: 'First point.\n\n\n\nSecond point.' },
  }).body
  t.match(args, /with the redactions marked\.\n\nFirst point\.\n\nSecond point\.\n\nI ask for a written decision/)
})

t.test('user values are data, never templates', async (t) => {
  const tpl = template('ring-partnership')
  const context = contextFor(tpl, scenario('WA'), {
    supplied: {
      about_requester: '{{ 7*7 }} {% for x in (1..3) %}loop{% endfor %}',
      additional_records: "{% include 'secrets' %} {{ requester.email }}",
      date_from: '{{',
    },
  })
  const { body } = renderLetter(tpl, { ...context, requester: { ...context.requester, name: '{{ agency.name }}' } })
  t.ok(body.includes('I am {{ 7*7 }} {% for x in (1..3) %}loop{% endfor %}.'), 'Liquid in a variable comes out literally')
  t.ok(body.includes("- {% include 'secrets' %} {{ requester.email }}"), 'no include, no interpolation')
  t.ok(body.includes('from {{ through'), 'a lone {{ is text')
  t.notOk(body.includes('49'), 'nothing was evaluated')
  t.match(body, /Sincerely,\n\{\{ agency\.name \}\}\n/, 'context values are data too')
})

t.test('strictness: an unknown variable fails to render with a clear error', async (t) => {
  // A caller that skipped resolveTemplateVariables: the declared variable has no value.
  const tpl = template('ring-partnership')
  const context = contextFor(tpl, scenario('WA'))
  const { fee_threshold: _dropped, ...rest } = context.variables
  t.throws(() => renderLetter(tpl, { ...context, variables: rest }), {
    name: 'LetterRenderError',
    code: 'LETTER_RENDER_FAILED',
    message: /Letter template "ring-partnership": body: undefined variable: variables\.fee_threshold, line:\d+, col:\d+/,
  })

  // A template that skipped the catalog's boot checks is still caught when rendering.
  const unchecked: LetterTemplate = {
    ...parseLetterTemplate('---\ntitle: T\ndescription: D\nkind: request\nsubject: S\n---\nBody\n', 'unchecked', 'unchecked.liquid'),
    bodyTemplate: textEngine.parse('Dear {{ agency.nmae }}:'),
  }
  const error = t.throws(() => renderLetter(unchecked, contextFor(unchecked, scenario('CA'))))
  t.type(error, LetterRenderError)
  t.match((error as Error).message, /undefined variable: agency\.nmae/)

  for (const inherited of ['toString', 'hasOwnProperty', '__proto__', 'constructor']) {
    const proto: LetterTemplate = { ...unchecked, bodyTemplate: textEngine.parse(`{{ requester.${inherited} }}`) }
    t.throws(
      () => renderLetter(proto, contextFor(proto, scenario('CA'))),
      { message: `Letter template "unchecked": body: undefined variable: requester.${inherited}, line:1, col:4` },
      `no inherited ${inherited}`,
    )
  }
})

t.test('follow-up and appeal letters need the request', async (t) => {
  for (const slug of ['follow-up', 'appeal']) {
    const tpl = template(slug)
    const context = contextFor(tpl, scenario('WA'), { request: null })
    t.throws(() => renderLetter(tpl, context), { name: 'LetterRenderError', message: /needs the request it is about/ }, slug)
  }
})

t.test('limits: a runaway template fails fast instead of hanging', async (t) => {
  const base = parseLetterTemplate('---\ntitle: T\ndescription: D\nkind: request\nsubject: S\n---\nBody\n', 'runaway', 'runaway.liquid')
  const context = contextFor(base, scenario('WA'))
  const cases = {
    'huge range': '{% for i in (1..100000000) %}x{% endfor %}',
    'nested loops': '{% for i in (1..5000) %}{% for j in (1..5000) %}{{ i }}{% endfor %}{% endfor %}',
    'string doubling': '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}',
  }
  for (const [name, source] of Object.entries(cases)) {
    const runaway: LetterTemplate = { ...base, bodyTemplate: textEngine.parse(source) }
    const started = performance.now()
    t.throws(() => renderLetter(runaway, context), /limit|exceeded/i, name)
    t.ok(performance.now() - started < 5_000, `${name} stopped within seconds`)
  }
  t.throws(() => textEngine.parse('x'.repeat(300_000)), /parse length limit/, 'oversized source is refused')
})

t.test('rendering is pure: same input, same output', async (t) => {
  const tpl = template('appeal')
  const context = contextFor(tpl, scenario('TX'))
  const snapshot = JSON.stringify(context)
  t.same(renderLetter(tpl, context), renderLetter(tpl, context))
  t.equal(JSON.stringify(context), snapshot, 'context not mutated')
})

t.test('normalizeLetterText', async (t) => {
  t.equal(normalizeLetterText('\n\nA  \r\nB\t\n\n\n\n- x \n- y\n\n\n'), 'A\nB\n\n- x\n- y')
})

t.test('every one of the 52 laws renders every letter cleanly', async (t) => {
  t.equal(RECORDS_LAWS.size, 52)
  for (const jurisdiction of RECORDS_LAWS.values()) {
    const period = describeResponsePeriod(jurisdiction)
    for (const slug of SLUGS) {
      const tpl = template(slug)
      const resolved = resolveTemplateVariables(tpl, {})
      if (!resolved.ok) throw new Error(JSON.stringify(resolved.errors))
      const { subject, body } = renderLetter(
        tpl,
        buildLetterContext({
          requester: { name: 'Zoë Ødegård', email: 'zoe@example.net' },
          agency: { name: 'Example Police Department', state: jurisdiction.code },
          jurisdiction,
          today: '2026-03-30',
          variables: resolved.variables,
          request: tpl.kind === 'request' ? null : { ...SAMPLE_REQUEST, dueOn: period === null ? null : SAMPLE_REQUEST.dueOn },
        }),
      )
      const problems = [
        !body.includes(jurisdiction.lawName) && 'law name missing',
        !body.includes(jurisdiction.citation) && 'citation missing',
        period !== null && !body.includes(period) && `period "${period}" missing`,
        /\n{3,}/.test(body) && 'triple newline',
        /undefined|\[object Object\]|\{\{|\{%|\bnull\b/.test(body + subject) && 'template leak',
        !body.endsWith('Sincerely,\nZoë Ødegård\nzoe@example.net') && 'signature',
      ].filter(Boolean)
      if (problems.length > 0) t.fail(`${slug} for ${jurisdiction.code}: ${problems.join(', ')}`)
    }
  }
  t.pass('all 208 letters checked')
})
