// Word, Excel, CSV and Outlook files without a server: how their text becomes pages, and the limits
// that stop hostile ones (zip bombs, forged sizes, too many cells, damaged messages).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { readOutlookMessage, xlsxSheets } from '../../../src/adapters/office/office-readers.js'
import { checkOfficeZip } from '../../../src/adapters/office/office-zip.js'
import { createLocalStorage } from '../../../src/adapters/storage/local-storage.js'
import { readMail } from '../../../src/modules/correspondence/mail-reader.js'
import { OFFICE_PAGE_CHARS, paginateText } from '../../../src/modules/documents/page-text.js'
import { csvPages, csvRows, rowsText, sheetPages } from '../../../src/modules/documents/spreadsheet-text.js'
import { composeMail } from '../../helpers/inbound-mail.js'
import { docxZipBombs, makeDocx, makeMsg, makeXlsx, nestedMsg, xlsxWithCells, zip } from '../../helpers/office-files.js'

const LIMITS = { maxUnzippedBytes: 4 * 1024 * 1024 }
const IN_AN_HOUR = Date.now() + 3_600_000
const cellsAndTime = (maxCells: number, deadline = IN_AN_HOUR) => ({ maxCells, deadline })

t.test('a long paragraph is split at a space into pages of about 3,000 characters, nothing lost', async (t) => {
  const paragraph = 'The officer reviewed the doorbell video. '.repeat(200).trim()
  const pages = paginateText(paragraph, OFFICE_PAGE_CHARS)
  t.equal(pages.length, 3)
  for (const page of pages) {
    t.ok(page.length <= OFFICE_PAGE_CHARS)
    t.match(page, /^(The|officer|reviewed|the|doorbell|video\.) /, 'starts with a whole word')
  }
  t.equal(pages.join(' '), paragraph)
})

t.test('rows keep their cells apart; a sheet is a page headed by its name, continued when long', async (t) => {
  t.equal(
    rowsText([
      ['Date', 'Address'],
      ['2026-03-04', ' 12 Elm St\n Apt 2 '],
    ]),
    'Date | Address\n2026-03-04 | 12 Elm St Apt 2',
  )
  t.same(sheetPages('Log', [['a', 'b']]), ['Sheet: Log\na | b'])
  t.same(sheetPages('Empty', []), ['Sheet: Empty'])
  const long = sheetPages(
    'Requests',
    Array.from({ length: 2_000 }, (_, index) => [`row ${index}`, 'footage requested by the department']),
  )
  t.ok(long.length > 1, `a long sheet continues on ${long.length} pages`)
  t.ok(long.every((page) => page.startsWith('Sheet: Requests\nrow ')))
  t.same(csvPages([]), [''], 'an empty table is one empty page')
})

t.test('CSV records are read leniently, up to the cell limit and the time budget', async (t) => {
  t.same(await csvRows('a,b,c\n1,"two, three",4\n5,"a ""quoted"" word"\n\n6,,\n', ',', cellsAndTime(100)), {
    rows: [['a', 'b', 'c'], ['1', 'two, three', '4'], ['5', 'a "quoted" word'], ['6']],
    stopped: null,
  })
  t.same(await csvRows('x;y\n1;stray " quote\n', ';', cellsAndTime(100)), {
    rows: [
      ['x', 'y'],
      ['1', 'stray " quote'],
    ],
    stopped: null,
  })
  const many = Array.from({ length: 1_000 }, (_, index) => `${index},a,b`).join('\n')
  t.same(await csvRows(many, ',', cellsAndTime(30)), {
    rows: Array.from({ length: 10 }, (_, index) => [String(index), 'a', 'b']),
    stopped: 'cells',
  })
  t.same(await csvRows(many, ',', cellsAndTime(10_000, Date.now() - 1)), { rows: [], stopped: 'time' })
})

t.test('an Excel workbook is read sheet by sheet, and stops at the cell limit or the time budget without reading the rest', async (t) => {
  const workbook = await makeXlsx({ First: [['Case', 117]], Second: [['Officer', 'Doe']] })
  t.same(await xlsxSheets(workbook, cellsAndTime(100)), {
    sheets: [
      { name: 'First', rows: [['Case', '117']] },
      { name: 'Second', rows: [['Officer', 'Doe']] },
    ],
    stopped: null,
  })
  const big = await xlsxSheets(xlsxWithCells(1_000, 10), cellsAndTime(2_500))
  t.equal(big.stopped, 'cells')
  t.equal(big.sheets[0]!.rows.length, 250)
  t.equal((await xlsxSheets(workbook, cellsAndTime(100, Date.now() - 1))).stopped, 'time')
})

t.test('zip bombs and forged sizes are refused before the libraries inflate them', async (t) => {
  await t.resolves(checkOfficeZip(makeDocx(['A memo.']), 'Word document', LIMITS))
  const { honest, lying } = await docxZipBombs(16)
  await t.rejects(checkOfficeZip(honest, 'Word document', LIMITS), {
    name: 'OfficeFileError',
    message: 'The Word document unpacks to more than 4 MB (a zip bomb, or far larger than a real one); it was not unpacked.',
  })
  await t.rejects(checkOfficeZip(lying, 'Word document', LIMITS), {
    message: /^The part word\/document\.xml of the Word document cannot be unpacked \(too many bytes in the stream\. expected 1024\./,
  })
  const hugeXml = zip([
    { name: 'xl/worksheets/sheet1.xml', content: { deflated: Buffer.alloc(10), crc: 0, declaredSize: 100 * 1024 * 1024 } },
  ])
  await t.rejects(checkOfficeZip(hugeXml, 'Excel workbook', { maxUnzippedBytes: 1024 * 1024 * 1024 }), {
    message: 'The part xl/worksheets/sheet1.xml of the Excel workbook is 100 MB of XML once unpacked; parts of at most 64 MB are read.',
  })
  const manyParts = zip(Array.from({ length: 10_001 }, (_, index) => ({ name: `word/part${index}.xml`, content: '' })))
  await t.rejects(checkOfficeZip(manyParts, 'Word document', LIMITS), {
    message: /holds 10001 parts; files of at most 10000 parts are read/,
  })
  await t.rejects(checkOfficeZip(Buffer.from('PK\u0003\u0004 cut short'), 'Word document', LIMITS), {
    message: /^The Word document cannot be read as a ZIP archive \(.+\); it may be damaged or cut short\.$/,
  })
})

t.test('an Outlook message: headers, body, files and attached messages', async (t) => {
  const message = readOutlookMessage(nestedMsg(2))
  t.match(message, { subject: 'Level 0', body: 'Forwarded message at level 0.' })
  t.same(
    message.attachments.map(({ filename, embedded }) => ({ filename, embedded })),
    [
      { filename: 'level-0.csv', embedded: false },
      { filename: 'Level 1.msg', embedded: true },
    ],
  )
  t.match(readOutlookMessage(message.attachments[1]!.content), {
    subject: 'Level 1',
    attachments: [{ filename: 'level-1.csv' }, { filename: 'Level 2.msg' }],
  })
  t.match(readOutlookMessage(makeMsg({ subject: 'Hi', body: 'x', senderName: 'Records Clerk' })), {
    from: 'Records Clerk',
    attachments: [],
  })
  const damaged = makeMsg({ subject: 'Hi', body: 'x' }).subarray(0, 600)
  t.throws(() => readOutlookMessage(damaged), {
    name: 'OfficeFileError',
    message: /^The Outlook message cannot be read \(.+\); it may be damaged\.$/,
  })
})

t.test('an agency’s reply keeps Word, Excel, CSV and Outlook attachments as documents, whatever their declared type', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'rr-native-mail-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const raw = await composeMail({
    from: 'clerk@agency.example',
    to: 'request-abc@replies.test',
    subject: 'Records',
    text: 'Attached.',
    attachments: [
      { filename: 'memo.docx', content: makeDocx(['Memo']), contentType: 'application/octet-stream' },
      { filename: 'log.xlsx', content: await makeXlsx({ Log: [['a']] }), contentType: 'application/octet-stream' },
      { filename: 'cameras.csv', content: 'a,b\n1,2\n3,4\n', contentType: 'text/plain' },
      { filename: 'forwarded.msg', content: makeMsg({ subject: 'Fwd', body: 'x' }), contentType: 'application/octet-stream' },
    ],
  })
  const read = await readMail(Readable.from([raw]), createLocalStorage(root), { maxAttachments: 10, maxAttachmentBytes: 1024 * 1024 })
  t.same(
    read.staged.map(({ filename, type }) => [filename, type]),
    [
      ['memo.docx', 'docx'],
      ['log.xlsx', 'xlsx'],
      ['cameras.csv', 'csv'],
      ['forwarded.msg', 'msg'],
    ],
  )
  await Promise.all(read.staged.map(({ file }) => file.discard()))
})
