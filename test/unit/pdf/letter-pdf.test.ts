import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js'
import t, { type Test } from 'tap'
import { type LetterDocument, renderLetterPdf } from '../../../src/adapters/pdf/letter-pdf.js'
import { extractPdfText, readPdfInfo } from '../../helpers/pdf-text.js'

const SIGNATURE = ['José Núñez', '12 W Main Ave', 'Spokane, WA 99201', 'jose@example.org']

const PARAGRAPHS = [
  'Under the Public Records Act, RCW 42.56, I request copies of the records described below that relate to the “Spokane Police Department” and its partnership with Ring LLC — see § 42.56.070.',
  'I am writing on behalf of neighbours in Łódź Street and Zoë Ødegård, who asked me to include her name; the records should be sent to both of us.',
]
const BULLETS = [
  'The partnership agreement or memorandum of understanding, with every amendment, renewal and attachment, and any document that replaced it.',
  'Email between department staff and anyone at “@ring.com”.',
]

function letter(overrides: Partial<LetterDocument> = {}): LetterDocument {
  return {
    requester: { name: 'José Núñez', lines: ['12 W Main Ave', 'Spokane, WA 99201', 'jose@example.org'] },
    date: 'November 22, 2026',
    agency: { name: 'Public Records Officer', lines: ['Spokane Police Department', '1100 W Mallon Ave', 'Spokane, WA 99260'] },
    subject: 'Ring partnership records',
    body: [
      'Dear Records Officer:',
      PARAGRAPHS[0],
      `In releasing records, I ask for:\n${BULLETS.map((item) => `- ${item}`).join('\n')}`,
      PARAGRAPHS[1],
      `Sincerely,\n${SIGNATURE.join('\n')}`,
    ].join('\n\n'),
    ...overrides,
  }
}

/** Whitespace (line wraps included) collapsed to single spaces, as a reader would compare. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function withoutFooters(pages: string[]): string {
  return flat(pages.map((page) => page.replace(/Page \d+ of \d+\s*$/, '')).join('\n'))
}

function assertInOrder(t: Test, text: string, parts: string[]): void {
  let from = 0
  for (const part of parts) {
    const at = text.indexOf(flat(part), from)
    t.ok(at >= 0, `"${part.slice(0, 40)}" appears${from > 0 ? ' after what came before' : ''}`)
    if (at >= 0) from = at + flat(part).length
  }
}

function longBody(paragraphs: number): string {
  const filler = 'The records should include every version of the agreement and the correspondence about it. '
  return [
    'Dear Records Officer:',
    ...Array.from({ length: paragraphs }, (_, index) => `Paragraph ${index + 1}. ${filler.repeat(3)}`),
    `Sincerely,\n${SIGNATURE.join('\n')}`,
  ].join('\n\n')
}

t.test('the letter reads back in order: heading, subject, body, bullets, signature', async (t) => {
  const pages = await extractPdfText(await renderLetterPdf(letter()))
  t.equal(pages.length, 1)
  assertInOrder(t, flat(pages[0] ?? ''), [
    'José Núñez',
    '12 W Main Ave',
    'jose@example.org',
    'November 22, 2026',
    'Public Records Officer',
    'Spokane Police Department',
    '1100 W Mallon Ave',
    'Re: Ring partnership records',
    'Dear Records Officer:',
    PARAGRAPHS[0]!,
    'In releasing records, I ask for:',
    `• ${BULLETS[0]}`,
    `• ${BULLETS[1]}`,
    PARAGRAPHS[1]!,
    'Sincerely,',
    ...SIGNATURE,
  ])
})

t.test('names and punctuation outside ASCII survive exactly', async (t) => {
  const pdf = await renderLetterPdf(letter({ requester: { name: 'Zoë Ødegård', lines: ['Łódź', 'zoe@example.org'] } }))
  const text = (await extractPdfText(pdf)).join('\n')
  for (const expected of ['Zoë Ødegård', 'José Núñez', 'Łódź', '“Spokane Police Department”', '§ 42.56.070', 'Ring LLC — see']) {
    t.ok(text.includes(expected), `the PDF says ${expected}`)
  }
  t.notMatch(text, /\uFFFD/, 'no replacement characters')
  t.equal((await readPdfInfo(pdf)).author, 'Zoë Ødegård')
})

t.test('each line of the signature block keeps its own line', async (t) => {
  const [page = ''] = await extractPdfText(await renderLetterPdf(letter()))
  const lines = page.split('\n')
  const closing = lines.indexOf('Sincerely,')
  t.ok(closing > 0, 'the closing is a line of its own')
  t.same(lines.slice(closing + 1, closing + 1 + SIGNATURE.length), SIGNATURE)
})

t.test('bullet items start with a bullet and their text; wrapped lines do not', async (t) => {
  const [page = ''] = await extractPdfText(await renderLetterPdf(letter()))
  const bulletLines = page.split('\n').filter((line) => line.startsWith('•'))
  t.equal(bulletLines.length, BULLETS.length)
  t.ok(bulletLines[0]?.startsWith('• The partnership agreement'))
  t.ok(bulletLines[1]?.startsWith('• Email between'))
})

t.test('a long letter runs to several pages, each numbered "Page i of n"', async (t) => {
  const paragraphs = 40
  const pages = await extractPdfText(await renderLetterPdf(letter({ body: longBody(paragraphs) })))
  t.ok(pages.length > 1, `${pages.length} pages`)
  pages.forEach((page, index) => {
    const lines = page.split('\n')
    t.equal(lines.at(-1), `Page ${index + 1} of ${pages.length}`, `page ${index + 1} is numbered`)
    t.equal(lines.filter((line) => /^Page \d+ of \d+$/.test(line)).length, 1, `page ${index + 1} has one number`)
  })
  assertInOrder(t, withoutFooters(pages), [
    'Re: Ring partnership records',
    ...Array.from({ length: paragraphs }, (_, index) => `Paragraph ${index + 1}.`),
    'Sincerely,',
    ...SIGNATURE,
  ])
})

t.test('a one-page letter carries no page number', async (t) => {
  const pages = await extractPdfText(await renderLetterPdf(letter()))
  t.equal(pages.length, 1)
  t.notMatch(pages[0] ?? '', /Page \d+ of \d+/)
})

t.test('the closing and signature are never split across pages', async (t) => {
  // Growing the letter one short paragraph at a time moves the signature over the page break.
  let splits = 0
  for (let paragraphs = 36; paragraphs <= 52; paragraphs++) {
    const body = [
      'Dear Records Officer:',
      ...Array.from({ length: paragraphs }, (_, index) => `Item ${index + 1} of the request.`),
      'Sincerely,',
      SIGNATURE.join('\n'),
    ].join('\n\n')
    const pages = await extractPdfText(await renderLetterPdf(letter({ body })))
    const last = pages.at(-1) ?? ''
    const together = ['Sincerely,', ...SIGNATURE].every((line) => last.split('\n').includes(line))
    if (!together) splits++
    if (pages.length > 1) t.notOk(/^(Page \d+ of \d+)?$/.test(last.split('\n')[0] ?? ''), 'no empty last page')
  }
  t.equal(splits, 0, 'the whole signature block is on the last page every time')
})

t.test('fonts are embedded DejaVu Serif, regular and bold, and nothing else', async (t) => {
  const bytes = (await renderLetterPdf(letter())).toString('latin1')
  t.match(bytes, /\/FontFile2 /)
  const fonts = [...bytes.matchAll(/\/BaseFont \/(\S+)/g)].map((match) => match[1]?.replace(/^[A-Z]{6}\+/, ''))
  t.same([...new Set(fonts)].sort(), ['DejaVuSerif', 'DejaVuSerif-Bold'])
})

t.test('metadata names the letter, its author and the application', async (t) => {
  const info = await readPdfInfo(await renderLetterPdf(letter()))
  t.match(info, { pages: 1, title: 'Ring partnership records', author: 'José Núñez', creator: 'ring-records' })
  const titled = await readPdfInfo(await renderLetterPdf(letter({ title: 'Records request to Spokane PD' })))
  t.equal(titled.title, 'Records request to Spokane PD')
})

t.test('the subject line is prefixed with "Re:" unless it already names itself', async (t) => {
  const [plain = ''] = await extractPdfText(await renderLetterPdf(letter({ subject: 'Body camera policy' })))
  t.ok(plain.split('\n').includes('Re: Body camera policy'))
  const [named = ''] = await extractPdfText(await renderLetterPdf(letter({ subject: 'Subject: Body camera policy' })))
  t.ok(named.split('\n').includes('Subject: Body camera policy'))
  t.notMatch(named, /Re: Subject:/)
})

t.test('a fixed creation date gives byte-identical output, whatever was rendered before', async (t) => {
  const createdAt = new Date('2026-11-22T17:00:00Z')
  const first = await renderLetterPdf(letter(), { createdAt })
  // A different letter in between uses other glyphs of the shared parsed fonts.
  await renderLetterPdf(letter({ body: `Ελληνικά, кириллица, ${longBody(5)}` }), { createdAt })
  const again = await renderLetterPdf(letter(), { createdAt })
  t.ok(first.equals(again), 'same bytes')
  t.match(first.subarray(0, 8).toString('latin1'), /^%PDF-1\.\d/)
})

t.test('the last paragraph stays with the closing, never leaving the closing alone on the last page', async (t) => {
  // The templates end "Thank you …" then "Sincerely,\nName\n…" as one block.
  let alone = 0
  for (let paragraphs = 28; paragraphs <= 48; paragraphs++) {
    const body = [
      'Dear Records Officer:',
      ...Array.from({ length: paragraphs }, (_, index) => `Item ${index + 1} of the request.`),
      PARAGRAPHS[0],
      'Thank you for your help with this request.',
      `Sincerely,\n${SIGNATURE.join('\n')}`,
    ].join('\n\n')
    const pages = await extractPdfText(await renderLetterPdf(letter({ body })))
    const last = pages.at(-1) ?? ''
    if (!flat(last).includes(PARAGRAPHS[0]!) || !last.includes('Thank you for your help with this request.')) alone++
  }
  t.equal(alone, 0, 'the last page always carries the last paragraph of substance with the closing and signature')
})

t.test('there is room to sign between the complimentary close and the name', async (t) => {
  const pdf = await renderLetterPdf(letter())
  const task = getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 })
  const document = await task.promise
  try {
    const page = await document.getPage(document.numPages)
    const items = (await page.getTextContent()).items.filter((item): item is TextItem => 'str' in item)
    const yOf = (text: string) => Number(items.findLast((item) => item.str === text)?.transform[5])
    const gap = yOf('Sincerely,') - yOf(SIGNATURE[0]!)
    const lineHeight = 13
    t.ok(gap >= 4 * lineHeight, `the name sits at least four lines under the close (${gap.toFixed(1)} pt)`)
  } finally {
    await task.destroy()
  }
})
