import t from 'tap'
import { csvDelimiterOf, detectFileType, emailSentAt, fileTypeOf, SNIFF_BYTES } from '../../../src/modules/documents/file-types.js'
import { makeDocx, makeMsg, makeXlsx, zip } from '../../helpers/office-files.js'

const bytes = (...values: (number | string)[]) =>
  Buffer.concat(values.map((value) => (typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from([value]))))

t.test('types come from the first bytes', async (t) => {
  const cases: [string, Buffer, ReturnType<typeof detectFileType>][] = [
    ['PDF', bytes('%PDF-1.7\n%âãÏÓ\n'), 'pdf'],
    ['PDF with junk before the header', Buffer.concat([Buffer.alloc(600, 0x20), bytes('%PDF-1.4')]), 'pdf'],
    ['PDF header too far in', Buffer.concat([Buffer.alloc(1100, 0x20), bytes('%PDF-1.4')]), 'text'],
    ['PNG', bytes(0x89, 'PNG\r\n', 0x1a, '\n', 0, 0, 0, 13, 'IHDR'), 'png'],
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'JFIF'), 'jpeg'],
    ['TIFF, little-endian', bytes('II*', 0, 8, 0, 0, 0), 'tiff'],
    ['TIFF, big-endian', bytes('MM', 0, '*', 0, 0, 0, 8), 'tiff'],
    [
      'email',
      Buffer.from('Return-Path: <a@b.example>\r\nReceived: from x\r\n\tby y\r\nFrom: A <a@b.example>\r\nSubject: Records\r\n\r\nBody'),
      'email',
    ],
    ['email with a BOM and LF line ends', Buffer.from('\ufeffFrom: a@b.example\nTo: c@d.example\nSubject: Hi\n\nBody'), 'email'],
    ['text that starts like one header', Buffer.from('Subject: my notes\n\nabout the meeting'), 'text'],
    ['text with unknown headers only', Buffer.from('Foo: 1\nBar: 2\n\nbody'), 'text'],
    ['plain text', Buffer.from('Meeting notes, 4 March.\nThe chief signed the MOU.\f\nPage 2'), 'text'],
    ['UTF-8 text cut inside a character', Buffer.from('Łódź café').subarray(0, 3), 'text'],
    ['a bare ZIP header', bytes('PK', 3, 4, 20, 0), null],
    ['CSV', Buffer.from('date,address,officer\n2026-03-04,12 Elm St,Doe\n2026-03-05,"4 Oak Ave, Apt 2",Roe\n'), 'csv'],
    ['CSV with a quoted line break, CRLF', Buffer.from('id;note\r\n1;"two\r\nlines"\r\n2;x\r\n'), 'csv'],
    ['TSV of two records', Buffer.from('a\tb\tc\n1\t2\t3'), 'csv'],
    ['prose with one comma on two lines', Buffer.from('Dear Records Officer,\nThank you, again.\n'), 'text'],
    ['lines with different numbers of commas', Buffer.from('a,b,c\n1,2\n3,4,5,6\n'), 'text'],
    [
      'an Office 97 compound file that is no Outlook message (.doc)',
      bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 'W\0o\0r\0d\0'),
      null,
    ],
    ['GIF', bytes('GIF89a', 1, 0, 1, 0, 0x80, 0, 0), null],
    ['UTF-16 text', Buffer.from('\ufeffnotes', 'utf16le'), null],
    ['invalid UTF-8', bytes(0xc3, 0x28, 'abc'), null],
    ['binary', bytes(1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 'abcdefgh'), null],
    ['empty', Buffer.alloc(0), null],
  ]
  for (const [what, head, expected] of cases) t.equal(detectFileType(head), expected, what)
})

t.test('a header block longer than the sample still counts as an email', async (t) => {
  const received = Array.from({ length: 2_000 }, (_, index) => `Received: from relay${index}.example by mx.example`).join('\n')
  const head = Buffer.from(`${received}\nFrom: a@b.example\n`).subarray(0, SNIFF_BYTES)
  t.equal(detectFileType(head), 'email')
})

t.test('Word, Excel and Outlook files are told by their contents, whatever they are called', async (t) => {
  const head = (file: Buffer) => file.subarray(0, SNIFF_BYTES)
  t.equal(detectFileType(head(makeDocx(['Posted by Jane Roe']))), 'docx')
  t.equal(detectFileType(head(await makeXlsx({ Log: [['Date', 'Address']] }))), 'xlsx', 'as exceljs writes it')
  t.equal(detectFileType(head(makeMsg({ subject: 'Footage request', body: 'Please send.' }))), 'msg')
  t.equal(detectFileType(head(zip([{ name: 'ppt/presentation.xml', content: '<p/>' }]))), null, 'a PowerPoint file')
  t.equal(
    detectFileType(head(zip([{ name: 'mimetype', content: 'application/vnd.oasis.opendocument.text' }]))),
    null,
    'an OpenDocument file',
  )
  const docProps = Array.from({ length: 20 }, (_, index) => ({ name: `docProps/custom${index}.xml`, content: `<p>${index}</p>` }))
  t.equal(
    detectFileType(head(zip([...docProps, { name: 'word/document.xml', content: '<w:document/>' }]))),
    'docx',
    'word/ after other parts',
  )
})

t.test('a CSV file’s separator', async (t) => {
  t.equal(csvDelimiterOf('a,b\n1,2\n3,4\n', false), ',')
  t.equal(csvDelimiterOf('a\tb, c\n1\t2, 3\n4\t5\n', false), '\t', 'tabs win over commas inside cells')
  t.equal(csvDelimiterOf('a;b;c\n1;2;3', false), ';')
  t.equal(csvDelimiterOf('a;b;c\n1;2;3', true), null, 'the last line of a cut sample does not count, and one record is too few')
  t.equal(csvDelimiterOf('just one line, with a comma', false), null)
})

t.test('mime types map back to types', async (t) => {
  t.equal(fileTypeOf('application/pdf'), 'pdf')
  t.equal(fileTypeOf('message/rfc822'), 'email')
  t.equal(fileTypeOf('application/vnd.ms-outlook'), 'msg')
  t.equal(fileTypeOf('text/csv'), 'csv')
  t.equal(fileTypeOf('application/zip'), null)
})

t.test('an email’s Date header, folded or not; none, a bad one or a future one is null', async (t) => {
  const now = new Date('2026-12-02T12:00:00Z')
  const head = (headers: string) => Buffer.from(`${headers}\r\n\r\nBody text with Date: 1999-01-01 inside.\r\n`)
  t.same(
    emailSentAt(head('From: a@b.example\r\nDate: Mon, 2 Mar 2026 09:05:00 -0800\r\nSubject: x'), now),
    new Date('2026-03-02T17:05:00Z'),
  )
  t.same(
    emailSentAt(head('From: a@b.example\r\nDATE: Mon,\r\n 2 Mar 2026 09:05:00 -0800'), now),
    new Date('2026-03-02T17:05:00Z'),
    'folded onto two lines',
  )
  t.equal(emailSentAt(head('From: a@b.example\r\nSubject: no date'), now), null, 'not read from the body')
  t.equal(emailSentAt(head('From: a@b.example\r\nDate: yesterday-ish'), now), null)
  t.equal(emailSentAt(head('From: a@b.example\r\nDate: Tue, 1 Jun 2027 09:00:00 +0000'), now), null, 'in the future')
})
