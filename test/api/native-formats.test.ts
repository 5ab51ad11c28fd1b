// The formats agencies send as they are — Word, Excel, CSV and Outlook files — uploaded under names
// and types that say nothing (they are typed by their bytes), read by the worker, suggested for
// redaction, redacted into a PDF of their text, published and found by search. And hostile ones,
// each refused or read within its limits with the reason on the document.
import t from 'tap'
import { buildTestApp, fileRequest, signUp, type TestUser } from '../helpers/app.js'
import { pdfImageBomb } from '../helpers/bombs.js'
import { file, makePdf, redactedCopyReady, upload } from '../helpers/documents.js'
import { docxZipBombs, makeDocx, makeMsg, makeXlsx, nestedMsg, xlsxWithCells } from '../helpers/office-files.js'
import { extractPdfText } from '../helpers/pdf-text.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

// A million cells, a zip bomb and nested messages made and read on a shared, busy machine.
t.setTimeout(300_000)

const PHONE = '(509) 555-0142'
const EMAIL = 'jane.roe77@gmail.com'

t.test('native formats and hostile files', async (t) => {
  const { app, ctx } = await buildTestApp(t, {
    env: { SWEEP_INTERVAL_SECONDS: '1', SEARCH_CACHE_MIN_MS: '0', EXTRACTION_MAX_CELLS: '100000', INBOUND_MAX_ATTACHMENTS: '3' },
  })
  await startTestWorker(t, ctx, 'smtp://127.0.0.1:1')
  const owner = await signUp(app)
  const { id: requestId } = await fileRequest(app, owner)
  const get = (url: string, user?: TestUser) => app.inject({ method: 'GET', url, headers: user?.headers })
  const post = (url: string, payload?: object) => app.inject({ method: 'POST', url, headers: owner.headers, payload })
  const uploadOne = async (bytes: Buffer, name: string) => {
    // The name and declared type say nothing: the bytes decide.
    const response = await upload(app, requestId, owner.headers, [file(bytes, name, 'application/octet-stream')])
    t.equal(response.statusCode, 201, `${name} accepted`)
    return response.json().items[0] as { id: string; mimeType: string }
  }
  const settled = (id: string) =>
    eventually(
      async () => {
        const document = (await get(`/v1/documents/${id}`, owner)).json()
        return document.status === 'processing' ? null : document
      },
      60_000,
      `document ${id} to be read`,
    )
  const textOf = async (id: string) => (await get(`/v1/documents/${id}/text`, owner)).json().pages as { page: number; text: string }[]

  await t.test('Word, Excel, CSV and Outlook files are read, suggested, redacted, published and found', async (t) => {
    const longParagraph = `Footage request log narrative. ${'The officer reviewed the video and filed it. '.repeat(120)}`
    const docx = makeDocx([
      'Neighbors post. Posted by Jane Roe about a package theft.',
      `Call me at ${PHONE} or write to ${EMAIL}.`,
      longParagraph,
      'Signed, the wombatcase records unit.',
    ])
    const xlsx = await makeXlsx({
      'Footage requests': [
        ['Date', 'Case', 'Requester'],
        [new Date('2026-03-04T00:00:00Z'), 'RR-2026-117', 'Detective Platypusfield'],
      ],
      Totals: [['Requests', 41]],
    })
    const csv = Buffer.from('date,address,camera\n2026-03-04,4415 N Monroe St,doorbell\n2026-03-05,"12 Elm St, Apt 2",numbatcam\n')
    const msg = makeMsg({
      subject: 'Ring footage request quollmail',
      body: 'Please find the log attached.',
      senderName: 'Records Clerk',
      attachments: [{ filename: 'log.csv', content: Buffer.from('case,camera\n117,driveway\n118,porch\n') }],
    })

    const documents = {
      docx: await uploadOne(docx, 'release.bin'),
      xlsx: await uploadOne(xlsx, 'log.dat'),
      csv: await uploadOne(csv, 'cameras.txt'),
      msg: await uploadOne(msg, 'mail'),
    }
    t.match(documents, {
      docx: { mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
      xlsx: { mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      csv: { mimeType: 'text/csv' },
      msg: { mimeType: 'application/vnd.ms-outlook', kind: 'correspondence' },
    })
    for (const document of Object.values(documents)) t.match(await settled(document.id), { status: 'ready', error: null })

    const docxPages = await textOf(documents.docx.id)
    t.ok(docxPages.length >= 2, `a long Word document is split into pages of about 3,000 characters (${docxPages.length})`)
    t.ok(
      docxPages.every((page) => page.text.length <= 3_000),
      'no page over 3,000 characters',
    )
    t.match(docxPages[0]!.text, `Call me at ${PHONE}`)
    t.match(docxPages.at(-1)!.text, 'wombatcase')

    t.same(
      (await textOf(documents.xlsx.id)).map((page) => page.text),
      [
        'Sheet: Footage requests\nDate | Case | Requester\n2026-03-04 | RR-2026-117 | Detective Platypusfield',
        'Sheet: Totals\nRequests | 41',
      ],
      'a page per sheet, cells apart',
    )
    t.same(
      (await textOf(documents.csv.id)).map((page) => page.text),
      ['date | address | camera\n2026-03-04 | 4415 N Monroe St | doorbell\n2026-03-05 | 12 Elm St, Apt 2 | numbatcam'],
    )
    const [msgPage] = await textOf(documents.msg.id)
    t.match(
      msgPage!.text,
      /^From: Records Clerk\nSubject: Ring footage request quollmail\nAttachments: log\.csv \(text\/csv, \d+ bytes\)\n\nPlease find/,
    )
    const attachment = (await get(`/v1/requests/${requestId}/documents`, owner))
      .json()
      .items.find((item: { filename: string }) => item.filename === 'log.csv')
    t.match(attachment, { parentId: documents.msg.id, mimeType: 'text/csv' }, 'the attachment is a document of the request')
    t.match(await settled(attachment.id), { status: 'ready' })

    const suggestions = (await get(`/v1/documents/${documents.docx.id}/pii`, owner)).json().items as {
      page: number
      kind: string
      text: string
    }[]
    t.ok(
      suggestions.some((item) => item.kind === 'phone' && item.text === PHONE),
      'the phone number is suggested',
    )
    t.ok(
      suggestions.some((item) => item.kind === 'email' && item.text === EMAIL),
      'the email address is suggested',
    )
    const csvSuggestions = (await get(`/v1/documents/${documents.csv.id}/pii`, owner)).json().items as { kind: string; text: string }[]
    t.ok(
      csvSuggestions.some((item) => item.kind === 'address' && item.text.includes('4415 N Monroe St')),
      'a street address in a cell is suggested',
    )

    const redacted = await post(`/v1/documents/${documents.docx.id}/redactions`, {
      items: suggestions.filter((item) => item.kind === 'phone' || item.kind === 'email').map(({ page, text }) => ({ page, text })),
    })
    t.equal(redacted.statusCode, 201, redacted.body)
    await redactedCopyReady(app, documents.docx.id, owner.headers)
    for (const document of [...Object.values(documents), attachment])
      t.equal((await post(`/v1/documents/${document.id}/publish`)).statusCode, 200)

    const publicFile = await get(`/v1/documents/${documents.docx.id}/file`)
    t.equal(publicFile.headers['content-type'], 'application/pdf', 'the public file of a redacted Word document is a PDF')
    t.match(publicFile.headers['content-disposition'], /release-redacted\.pdf/)
    const publicText = (await extractPdfText(publicFile.rawPayload)).join('\n')
    t.match(publicText, 'wombatcase', 'made from its text')
    t.notOk(publicText.includes('555-0142') || publicText.includes(EMAIL), 'without the redacted phone and email')
    const original = await get(`/v1/documents/${documents.xlsx.id}/file`)
    t.match(original.headers['content-disposition'], /^attachment;/, 'an unredacted spreadsheet is served as it is, to download')

    const found = async (words: string) =>
      (await get(`/v1/search?q=${encodeURIComponent(words)}`)).json().items.map((hit: { documentId: string }) => hit.documentId)
    t.same(await found('wombatcase'), [documents.docx.id], 'Word text is searchable')
    t.same(await found('platypusfield'), [documents.xlsx.id], 'a cell is searchable')
    t.same(await found('numbatcam'), [documents.csv.id])
    t.same(await found('quollmail'), [documents.msg.id], 'an Outlook message is searchable')
    t.same(await found('driveway'), [attachment.id], 'and its attachment')
    t.same(await found('"555-0142"'), [], 'a redacted phone number is not')
  })

  await t.test('hostile files are refused, or read within their limits, with the reason on the document', async (t) => {
    const bombs = await docxZipBombs(300)
    t.ok(bombs.honest.length < 2 * 1024 * 1024, `a zip bomb is small (${Math.round(bombs.honest.length / 1024)} KB for 300 MB)`)
    const honest = await uploadOne(bombs.honest, 'bomb.docx')
    const lying = await uploadOne(bombs.lying, 'forged.docx')
    const cells = await uploadOne(xlsxWithCells(50_000, 20), 'million-cells.xlsx')
    await uploadOne(nestedMsg(6), 'nested.msg')
    const crowded = await uploadOne(
      makeMsg({
        subject: 'Five logs',
        body: 'Attached.',
        attachments: Array.from({ length: 5 }, (_, index) => ({
          filename: `log-${index}.csv`,
          content: Buffer.from(`n,value\n${index},a\n${index},b\n`),
        })),
      }),
      'crowded.msg',
    )
    // A scan of a 20,000 × 20,000 point page at 72 dpi: 400 megapixels.
    const imageBomb = await uploadOne(await pdfImageBomb(20_000, 20_000, { page: [20_000, 20_000], blackAndWhite: true }), 'scan.pdf')

    t.match(await settled(honest.id), {
      status: 'failed',
      error: 'The Word document unpacks to more than 256 MB (a zip bomb, or far larger than a real one); it was not unpacked.',
    })
    t.match(await settled(lying.id), {
      status: 'failed',
      error: /^The part word\/document\.xml of the Word document cannot be unpacked \(too many bytes in the stream\. expected 1024\./,
    })
    t.match(await settled(cells.id), {
      status: 'ready',
      error: 'Only the first 100000 cells were read (the limit per spreadsheet).',
    })
    const cellPages = await textOf(cells.id)
    t.match(cellPages[0]!.text, /^Sheet: Cells\n/)
    t.equal(
      cellPages.reduce((sum, page) => sum + page.text.split('\n').filter((line) => !line.startsWith('Sheet:')).length, 0),
      5_000,
      '5,000 rows of 20 cells',
    )
    t.match(await settled(imageBomb.id), { status: 'failed', error: /^Page 1 of the PDF draws an image of more than 50 megapixels/ })

    // Level 0 is the upload; the messages inside it at levels 1–3 are documents, read in turn.
    const level = async (depth: number) => {
      const items = (await get(`/v1/requests/${requestId}/documents`, owner)).json().items as { id: string; filename: string }[]
      return items.find((item) => item.filename === `Level ${depth}.msg`)
    }
    const third = await eventually(() => level(3), 30_000, 'the message nested three deep')
    const [thirdPage] = await textOf((await settled(third.id)).id)
    t.match(
      thirdPage!.text,
      /Attachments: level-3\.csv \(text\/csv, \d+ bytes; not kept: attachments nested more than 3 deep are not taken out\); Level 4\.msg \(application\/vnd\.ms-outlook, \d+ bytes; not kept: attachments nested more than 3 deep/,
    )
    t.equal(await level(4), undefined, 'nothing deeper became a document')

    const [crowdedPage] = await textOf((await settled(crowded.id)).id)
    t.match(
      crowdedPage!.text,
      /log-2\.csv \(text\/csv, \d+ bytes\); log-3\.csv \(text\/csv, \d+ bytes; not kept: past the limit of 3 attachments per message\)/,
    )
  })

  await t.test('a 20,000 × 20,000 point page is redacted at a lower resolution, within the pixel limit', async (t) => {
    const giant = await makePdf([`Posted by Jane Roe. Call ${PHONE}.`], { size: [20_000, 20_000] })
    const document = await uploadOne(giant, 'giant.pdf')
    t.match(await settled(document.id), { status: 'ready' })
    const redacted = await post(`/v1/documents/${document.id}/redactions`, { items: [{ page: 1, text: PHONE }] })
    t.equal(redacted.statusCode, 201, redacted.body)
    await redactedCopyReady(app, document.id, owner.headers)
    const rendition = (await get(`/v1/documents/${document.id}/file`, owner)).rawPayload
    const size = /\/Width (\d+)[\s\S]*?\/Height (\d+)|\/Height (\d+)[\s\S]*?\/Width (\d+)/.exec(rendition.toString('latin1'))!
    const pixels = Number(size[1] ?? size[4]) * Number(size[2] ?? size[3])
    t.ok(pixels <= 12_000_000, `the page image is ${pixels} pixels, within REDACTION_MAX_PAGE_PIXELS`)
  })
})
