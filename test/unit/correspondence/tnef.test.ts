// Outlook's TNEF wrapper (winmail.dat): the decoder on its own, then inside a message read by readMail
// (real local storage in a temporary directory).
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { createLocalStorage } from '../../../src/adapters/storage/local-storage.js'
import { readMail } from '../../../src/modules/correspondence/mail-reader.js'
import { readTnef, TnefError } from '../../../src/modules/correspondence/tnef.js'
import { composeMail } from '../../helpers/inbound-mail.js'
import { attribute, buildTnef } from '../../helpers/tnef.js'

const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'),
  Buffer.alloc(3000, 0x20),
  Buffer.from('%%EOF\n'),
])
const TEXT = Buffer.from('Ring partnership: memorandum of understanding, signed 2019.\n')

const twoFiles = () =>
  buildTnef([
    { title: 'RING-M~1.PDF', longName: 'Ring MOU — signed copy.pdf', data: PDF, mimeTag: 'application/pdf' },
    { title: 'ANO.TXT', longName: 'Año fiscal.txt', longNameAs8Bit: true, data: TEXT, dataIn: 'property' },
  ])

t.test('the files inside, with their long names and bytes', async (t) => {
  const contents = readTnef(twoFiles())
  t.same(contents.skipped, [])
  t.equal(contents.attachments.length, 2)
  t.equal(contents.attachments[0]!.filename, 'Ring MOU — signed copy.pdf', 'the Unicode long name, not the 8.3 title')
  t.ok(contents.attachments[0]!.data.equals(PDF))
  t.equal(contents.attachments[1]!.filename, 'Año fiscal.txt', 'an 8-bit long name read in the stream’s code page')
  t.ok(contents.attachments[1]!.data.equals(TEXT), 'bytes carried in PR_ATTACH_DATA_BIN')
})

t.test('the 8.3 title when there is no long name; embedded Outlook messages are named, not kept', async (t) => {
  const contents = readTnef(
    buildTnef([
      { title: 'LETTER.PDF', data: PDF },
      { title: 'FWD.MSG', longName: 'Fwd: fee estimate', data: buildTnef([]), embedded: true },
    ]),
  )
  t.same(
    contents.attachments.map((file) => file.filename),
    ['LETTER.PDF'],
  )
  t.same(contents.skipped, ['Fwd: fee estimate'])
  t.same(readTnef(buildTnef([])), { attachments: [], skipped: [] }, 'a wrapper of the message alone holds no files')
})

t.test('damaged and hostile streams end in a TnefError, never another error or a hang', async (t) => {
  t.throws(() => readTnef(Buffer.from('PK\u0003\u0004 not tnef')), TnefError)
  t.throws(() => readTnef(Buffer.alloc(0)), TnefError)

  const whole = twoFiles()
  let reported = 0
  for (let length = 0; length < whole.length; length += 1) {
    try {
      t.ok(readTnef(whole.subarray(0, length)).attachments.length <= 2)
    } catch (error) {
      if (!(error instanceof TnefError)) throw error
      reported += 1
    }
  }
  // A cut between two attributes is a shorter stream (the header, then 4 message and 9 attachment
  // attributes before the last); every cut inside one is reported.
  t.equal(reported, whole.length - 13, 'every cut inside an attribute is reported')

  // Flipped bytes: each either fails its checksum or decodes into something; nothing else escapes.
  let seed = 7
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed
  }
  for (let round = 0; round < 2_000; round += 1) {
    const damaged = Buffer.from(whole)
    for (let flips = 0; flips < 3; flips += 1) damaged[6 + (random() % (damaged.length - 6))] = random() & 0xff
    try {
      readTnef(damaged)
    } catch (error) {
      if (!(error instanceof TnefError)) throw error
    }
  }

  const header = Buffer.from([0x78, 0x9f, 0x3e, 0x22, 0, 0])
  const giant = Buffer.concat([header, Buffer.from([2, 0x0f, 0x80, 0x06, 0x00, 0xff, 0xff, 0xff, 0xff])])
  t.throws(() => readTnef(giant), { name: 'TnefError', message: /cut short: 4294967295 bytes announced/ }, 'a 4 GB length')

  const badChecksum = Buffer.from(whole)
  badChecksum[badChecksum.length - 1] = badChecksum.at(-1)! ^ 0xff
  t.throws(() => readTnef(badChecksum), { name: 'TnefError', message: /checksum/ })

  const manyProperties = Buffer.alloc(4)
  manyProperties.writeUInt32LE(0xffffffff, 0)
  const rend = attribute(2, 0x00069002, Buffer.alloc(14))
  t.throws(() => readTnef(Buffer.concat([header, rend, attribute(2, 0x00069005, manyProperties)])), {
    name: 'TnefError',
    message: /claims 4294967295 properties/,
  })
  t.throws(() => readTnef(Buffer.concat([header, attribute(2, 0x0006800f, PDF)])), {
    name: 'TnefError',
    message: /before any attachment/,
  })
  t.throws(() => readTnef(Buffer.concat([header, attribute(9, 0x00069002, Buffer.alloc(14))])), { message: /level 9/ })
})

t.test('readMail unpacks winmail.dat into attachments of the message; a damaged one is a note', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'rr-tnef-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const storage = createLocalStorage(root)
  const limits = { maxAttachments: 5, maxAttachmentBytes: 1024 * 1024 }
  const mail = (content: Buffer, extra: { filename: string; content: Buffer }[] = []) =>
    composeMail({
      from: 'clerk@agency.example',
      to: 'request-abc@replies.test',
      subject: 'Records',
      text: 'Attached.',
      attachments: [{ filename: 'winmail.dat', content, contentType: 'application/ms-tnef' }, ...extra],
    })

  const read = await readMail(Readable.from([await mail(twoFiles())]), storage, limits)
  t.same(
    read.staged.map(({ filename, type }) => [filename, type]),
    [
      ['Ring MOU — signed copy.pdf', 'pdf'],
      ['Año fiscal.txt', 'text'],
    ],
  )
  t.match(read.notes, [
    /^Ring MOU — signed copy\.pdf \(application\/pdf, \d+ bytes, inside winmail\.dat\): kept as a document$/,
    /^Año fiscal\.txt/,
  ])
  t.equal(read.parsed.attachments.length, 1, 'the wrapper is one part of the message')
  await read.staged[0]!.file.commit()
  t.ok((await readFile(join(root, 'objects', read.staged[0]!.file.sha256.slice(0, 2), read.staged[0]!.file.sha256))).equals(PDF))
  await Promise.all(read.staged.map(({ file }) => file.discard()))

  const damaged = twoFiles().subarray(0, 200)
  const broken = await readMail(Readable.from([await mail(damaged, [{ filename: 'letter.txt', content: TEXT }])]), storage, limits)
  t.same(
    broken.staged.map(({ filename }) => filename),
    ['letter.txt'],
    'the other attachments are kept',
  )
  t.match(broken.notes, [
    /^winmail\.dat \(application\/ms-tnef, 200 bytes\): not unpacked, the Outlook \(TNEF\) wrapper cannot be read: .*cut short/,
  ])
  await Promise.all(broken.staged.map(({ file }) => file.discard()))

  const crowded = await readMail(
    Readable.from([await mail(buildTnef(Array.from({ length: 7 }, (_, index) => ({ title: `F${index}.TXT`, data: TEXT }))))]),
    storage,
    limits,
  )
  t.equal(crowded.staged.length, 5, 'the files inside count against INBOUND_MAX_ATTACHMENTS')
  t.equal(crowded.notes.filter((note) => /inside winmail\.dat\): not kept, past the limit of 5/.test(note)).length, 2)
  await Promise.all(crowded.staged.map(({ file }) => file.discard()))

  const oversized = await readMail(Readable.from([await mail(twoFiles())]), storage, { maxAttachments: 5, maxAttachmentBytes: 1000 })
  t.same(oversized.staged, [])
  t.match(oversized.notes, [/^winmail\.dat \(application\/ms-tnef, \d+ bytes\): not unpacked, larger than 1000 bytes$/])
})
