import t from 'tap'
import { parseLetterBody, SHORT_LINE } from '../../../src/adapters/pdf/letter-body.js'
import { breakLongRuns } from '../../../src/adapters/pdf/letter-pdf.js'

const LONG_A = 'Under the Public Records Act, I request copies of the records described below that relate'
const LONG_B = 'to the partnership between the department and Ring LLC, the maker of doorbell cameras, and'

t.test('blocks are separated by blank lines, however many and however blank', async (t) => {
  t.same(parseLetterBody('\n\nDear Officer:\n\n\n  \nThank you.\n \t\nSincerely,\n\n'), [
    { kind: 'paragraph', text: 'Dear Officer:' },
    { kind: 'paragraph', text: 'Thank you.' },
    { kind: 'paragraph', text: 'Sincerely,' },
  ])
  t.same(parseLetterBody(''), [])
  t.same(parseLetterBody('\n  \n'), [])
})

t.test('CRLF and CR line endings read like LF', async (t) => {
  const lf = `Dear Officer:\n\n${LONG_A}\n${LONG_B}\n\n- one\n- two\n\nSincerely,\nZoë Ødegård\nzoe@example.org`
  t.same(parseLetterBody(lf.replace(/\n/g, '\r\n')), parseLetterBody(lf))
  t.same(parseLetterBody(lf.replace(/\n/g, '\r')), parseLetterBody(lf))
  t.equal(parseLetterBody(lf).length, 4)
})

t.test('a hard-wrapped paragraph is joined with spaces', async (t) => {
  t.same(parseLetterBody(`${LONG_A}\n${LONG_B}\nthe Neighbors Portal.`), [
    { kind: 'paragraph', text: `${LONG_A} ${LONG_B} the Neighbors Portal.` },
  ])
})

t.test('several short lines are kept as lines: a signature, an address', async (t) => {
  t.same(parseLetterBody('Sincerely,\n\nJosé Núñez\n12 W Main Ave\nSpokane, WA 99201\njose@example.org'), [
    { kind: 'paragraph', text: 'Sincerely,' },
    { kind: 'lines', lines: ['José Núñez', '12 W Main Ave', 'Spokane, WA 99201', 'jose@example.org'] },
  ])
  t.same(parseLetterBody('Sincerely,\nJosé Núñez\njose@example.org'), [
    { kind: 'lines', lines: ['Sincerely,', 'José Núñez', 'jose@example.org'] },
  ])
})

t.test('a break is kept after a short line and joined after a long one', async (t) => {
  const short = 'x'.repeat(SHORT_LINE - 1)
  const long = 'y'.repeat(SHORT_LINE)
  t.same(parseLetterBody(`${short}\nnext`), [{ kind: 'lines', lines: [short, 'next'] }])
  t.same(parseLetterBody(`${long}\nnext`), [{ kind: 'paragraph', text: `${long} next` }])
  // A wrapped paragraph whose last line is short still joins; what follows a short line does not.
  t.same(parseLetterBody(`${LONG_A}\nend of it.\nSincerely,`), [{ kind: 'lines', lines: [`${LONG_A} end of it.`, 'Sincerely,'] }])
})

t.test('numbered items start their own line even after a long line', async (t) => {
  t.same(parseLetterBody(`I request:\n1. ${LONG_A}\n${LONG_B}\n2) the agreement\n(a) its amendments`), [
    { kind: 'lines', lines: ['I request:', `1. ${LONG_A} ${LONG_B}`, '2) the agreement', '(a) its amendments'] },
  ])
})

t.test('bullets: "- ", "• " and "* " start items', async (t) => {
  t.same(parseLetterBody('- one\n• two\n* three'), [{ kind: 'bullets', items: ['one', 'two', 'three'] }])
  t.same(parseLetterBody('  -   indented marker'), [{ kind: 'bullets', items: ['indented marker'] }])
})

t.test('a lead-in line and its list may share a block', async (t) => {
  t.same(parseLetterBody('In releasing records, I ask that you:\n- Provide them electronically.\n- Waive all fees.'), [
    { kind: 'paragraph', text: 'In releasing records, I ask that you:' },
    { kind: 'bullets', items: ['Provide them electronically.', 'Waive all fees.'] },
  ])
})

t.test('an indented line continues the item; an unindented one ends the list', async (t) => {
  t.same(parseLetterBody('- Provide them in electronic form,\n  by email or a download link.\n- Waive fees.\nThank you.'), [
    { kind: 'bullets', items: ['Provide them in electronic form, by email or a download link.', 'Waive fees.'] },
    { kind: 'paragraph', text: 'Thank you.' },
  ])
})

t.test('a marker needs a space and text after it to start an item', async (t) => {
  t.same(parseLetterBody('-5 degrees\n*emphasis*\n- '), [{ kind: 'lines', lines: ['-5 degrees', '*emphasis*', '-'] }])
})

t.test('tabs and runs of spaces become single spaces; lines are trimmed', async (t) => {
  t.same(parseLetterBody('  Dear\tRecords   Officer:  \n\n- a\t\tb  '), [
    { kind: 'paragraph', text: 'Dear Records Officer:' },
    { kind: 'bullets', items: ['a b'] },
  ])
})

t.test('runs of more than 40 characters without a space get invisible break points', async (t) => {
  const url = `https://example.org/${'a'.repeat(100)}`
  const broken = breakLongRuns(`See ${url} now`)
  t.equal(broken.replaceAll('\u200B', ''), `See ${url} now`, 'nothing visible changes')
  t.equal(broken.split('\u200B').length, 3, '120 characters: three pieces of 40')
  t.equal(breakLongRuns('short words stay as they are'), 'short words stay as they are')
})
