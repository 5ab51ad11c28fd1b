import t from 'tap'
import { readLabelledSet } from '../../../bench/lib/pii-labels.js'
import { boxesOf, runsFromTesseractTsv } from '../../../src/adapters/redaction/text-boxes.js'
import { contextOf, detectPii } from '../../../src/modules/privacy/pii-detectors.js'
import { occurrences, REDACTED_MARK, redactText } from '../../../src/modules/privacy/redact-text.js'

t.test('a redaction takes out every occurrence, whatever its case and line breaks', async (t) => {
  const text = 'Posted by Jane Roe.\nJANE ROE called; jane\n  roe again. Janet Roe is someone else.'
  t.same(occurrences(text, ['Jane Roe']).length, 3)
  const { text: redacted, count } = redactText(text, ['jane roe'])
  t.equal(count, 3)
  t.notOk(/jane\s+roe/i.test(redacted))
  t.match(redacted, 'Janet Roe')
  t.equal(redacted.split(REDACTED_MARK).length - 1, 3)
  t.same(occurrences('a+b (c)', ['+b (c']), [{ start: 1, end: 6 }], 'pattern characters are literal')
  t.same(occurrences('abcdef', ['bcd', 'cde']), [{ start: 1, end: 5 }], 'overlaps merge')
  t.same(occurrences('abc', ['  ']), [], 'blank needles match nothing')
})

t.test('detectors: residents yes, officials no', async (t) => {
  const found = detectPii(
    'Posted by Maria Delacruz · 0.3 mi\nHe got into the Honda at 4415 N Monroe St. Call me at (509) 555-0142, maria.d@gmail.com. Plate BXY4821.\n\nOfficer Daniel Kim, Spokane Police Department, 1100 W Mallon Ave, (509) 625-4000, dkim@spokanecity.org',
  )
  const kinds = (kind: string) => found.filter((span) => span.kind === kind).map((span) => span.text)
  t.same(kinds('person'), ['Maria Delacruz'])
  t.same(kinds('address'), ['4415 N Monroe St.'])
  t.same(kinds('phone'), ['(509) 555-0142'])
  t.same(kinds('email'), ['maria.d@gmail.com'])
  t.same(kinds('plate'), ['BXY4821'])
  for (const span of found) t.equal(span.end - span.start, span.text.length)
  t.equal(contextOf(`${'a'.repeat(100)}NAME${'b'.repeat(100)}`, 100, 104, 5), 'aaaaaNAMEbbbbb')
})

t.test('the labelled set: recall at least the targets', async (t) => {
  const pages = readLabelledSet()
  const targets = { email: 0.95, phone: 0.95, address: 0.8, person: 0.8 } as const
  for (const [kind, target] of Object.entries(targets)) {
    let marked = 0
    let found = 0
    for (const page of pages) {
      const suggested = detectPii(page.text).filter((span) => span.kind === kind)
      for (const span of page.spans.filter((span) => span.kind === kind)) {
        marked += 1
        if (suggested.some((suggestion) => suggestion.start < span.end && span.start < suggestion.end)) found += 1
      }
    }
    t.ok(found / marked >= target, `${kind}: ${found}/${marked}`)
  }
})

t.test('boxes of a match inside placed runs', async (t) => {
  const tsv = [
    'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
    '1\t1\t0\t0\t0\t0\t0\t0\t1000\t500\t-1\t',
    '5\t1\t1\t1\t1\t1\t100\t100\t200\t50\t95\tResident',
    '5\t1\t1\t1\t1\t2\t320\t100\t100\t50\t95\tJane',
    '5\t1\t1\t1\t2\t1\t100\t200\t100\t50\t95\tRoe',
  ].join('\n')
  const runs = runsFromTesseractTsv(tsv)
  t.same(
    runs.map((run) => [run.text, run.after]),
    [
      ['Resident', ' '],
      ['Jane', '\n'],
      ['Roe', '\n'],
    ],
  )
  const boxes = boxesOf(runs, ['jane roe'])
  t.equal(boxes.length, 2, 'a name over two lines: one box on each')
  t.equal(boxes[0]!.left, 0.32)
  t.equal(boxes[1]!.top, 0.4)
  t.same(boxesOf(runs, ['nobody']), [])
})
