// The native formats agencies send, made in the tests: Word and Excel files (ZIPs of XML parts),
// Outlook messages (compound files, written by msgreader's own CFB writer), and hostile ones — a zip
// bomb, a million-cell sheet, messages nested in messages — built in memory from a few lines of code.
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib'
import { burn, type Entry } from '@kenjiuno/msgreader/lib/Burner.js'
import { TypeEnum } from '@kenjiuno/msgreader/lib/Reader.js'
import ExcelJS from 'exceljs'

export interface ZipPart {
  name: string
  /** The part's bytes, deflated here; or data deflated already, with the sizes to declare. */
  content: string | Buffer | { deflated: Buffer; crc: number; declaredSize: number }
}

/** A ZIP archive (APPNOTE 4.3): local headers and deflated data, then the central directory. */
export function zip(parts: readonly ZipPart[]): Buffer {
  const local: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8')
    const raw = typeof part.content === 'string' ? Buffer.from(part.content, 'utf8') : part.content
    const { deflated, crc, declaredSize } = Buffer.isBuffer(raw)
      ? { deflated: deflateRawSync(raw, { level: 1 }), crc: crc32(raw), declaredSize: raw.length }
      : raw
    const header = Buffer.alloc(30)
    header.writeUInt32LE(0x04034b50, 0)
    header.writeUInt16LE(20, 4)
    header.writeUInt16LE(0x0800, 6) // UTF-8 names
    header.writeUInt16LE(8, 8) // deflate
    header.writeUInt32LE(crc >>> 0, 14)
    header.writeUInt32LE(deflated.length, 18)
    header.writeUInt32LE(declaredSize, 22)
    header.writeUInt16LE(name.length, 26)
    const entry = Buffer.alloc(46)
    entry.writeUInt32LE(0x02014b50, 0)
    entry.writeUInt16LE(20, 4)
    entry.writeUInt16LE(20, 6)
    entry.writeUInt16LE(0x0800, 8)
    entry.writeUInt16LE(8, 10)
    entry.writeUInt32LE(crc >>> 0, 16)
    entry.writeUInt32LE(deflated.length, 20)
    entry.writeUInt32LE(declaredSize, 24)
    entry.writeUInt16LE(name.length, 28)
    entry.writeUInt32LE(offset, 42)
    local.push(header, name, deflated)
    central.push(entry, name)
    offset += header.length + name.length + deflated.length
  }
  const directory = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...local, directory, end])
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A Word document of these paragraphs, with the parts Word itself writes first. */
export function makeDocx(paragraphs: readonly string[], extraParts: readonly ZipPart[] = []): Buffer {
  const body = paragraphs.map((text) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`).join('')
  return zip([
    {
      name: '[Content_Types].xml',
      content:
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      content:
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    },
    {
      name: 'word/document.xml',
      content: `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
    },
    ...extraParts,
  ])
}

/** An Excel workbook with these sheets, written by exceljs. */
export async function makeXlsx(sheets: Record<string, (string | number | Date)[][]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) workbook.addWorksheet(name).addRows(rows)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** Deflates `size` bytes of spaces in 16 MB blocks, so making it takes little memory. */
async function deflatedSpaces(size: number): Promise<{ deflated: Buffer; crc: number }> {
  const deflate = createDeflateRaw({ level: 1 })
  const out: Buffer[] = []
  deflate.on('data', (chunk: Buffer) => out.push(chunk))
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject))
  const block = Buffer.alloc(16 * 1024 * 1024, 0x20)
  let crc = 0
  for (let written = 0; written < size; written += block.length) {
    const chunk = block.subarray(0, Math.min(block.length, size - written))
    crc = crc32(chunk, crc)
    if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve))
  }
  deflate.end()
  await done
  return { deflated: Buffer.concat(out), crc }
}

/**
 * Zip bombs dressed as Word documents, `inflatedMb` of spaces deflated to a few hundred kilobytes:
 * `honest` declares the true size (in word/media, so no XML part limit is what stops it); `lying`
 * puts it in word/document.xml declaring one kilobyte, as a forged ZIP would to get past a check of
 * declared sizes.
 */
export async function docxZipBombs(inflatedMb: number): Promise<{ honest: Buffer; lying: Buffer }> {
  const { deflated, crc } = await deflatedSpaces(inflatedMb * 1024 * 1024)
  const honest = makeDocx(
    ['A memo.'],
    [{ name: 'word/media/image1.png', content: { deflated, crc, declaredSize: inflatedMb * 1024 * 1024 } }],
  )
  const lying = zip([
    { name: '[Content_Types].xml', content: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    { name: 'word/document.xml', content: { deflated, crc, declaredSize: 1024 } },
  ])
  return { honest, lying }
}

/** An Excel workbook whose one sheet has `rows` × `columns` (at most 26) number cells, its XML written here (exceljs would take far longer). */
export function xlsxWithCells(rows: number, columns: number): Buffer {
  const template = Array.from({ length: columns }, (_, column) => `<c r="${String.fromCharCode(65 + column)}#"><v>${column}</v></c>`).join(
    '',
  )
  // Row by row into bytes: one string of the whole sheet takes seconds to build on a busy machine.
  const rowXml = Array.from({ length: rows }, (_, index) =>
    Buffer.from(`<row r="${index + 1}">${template.replaceAll('#', String(index + 1))}</row>`),
  )
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
  const rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
  return zip([
    {
      name: '[Content_Types].xml',
      content:
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    },
    {
      name: '_rels/.rels',
      content:
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      content:
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    },
    {
      name: 'xl/workbook.xml',
      content: `<?xml version="1.0" encoding="UTF-8"?><workbook ${ns} ${rel}><sheets><sheet name="Cells" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      content: `<?xml version="1.0" encoding="UTF-8"?><worksheet ${ns}><sheetData>${rowXml.join('')}</sheetData></worksheet>`,
    },
  ])
}

export interface MsgFields {
  subject: string
  body: string
  senderName?: string
  attachments?: ({ filename: string; content: Buffer } | { message: MsgFields })[]
}

const utf16 = (text: string) => Uint8Array.from(Buffer.from(text, 'utf16le'))

/** An Outlook message (MS-OXMSG): string properties, attached files, and attached messages, nested as deep as given. */
export function makeMsg(fields: MsgFields): Buffer {
  const entries: Entry[] = [{ name: 'Root Entry', type: TypeEnum.ROOT, children: [], length: 0 }]
  addMessage(entries, 0, fields)
  return Buffer.from(burn(entries))
}

function addMessage(entries: Entry[], folder: number, fields: MsgFields): void {
  const stream = (parent: number, name: string, data: Uint8Array) => {
    entries[parent]!.children!.push(entries.length)
    entries.push({ name, type: TypeEnum.DOCUMENT, binaryProvider: () => data, length: data.length })
  }
  const directory = (parent: number, name: string) => {
    entries[parent]!.children!.push(entries.length)
    entries.push({ name, type: TypeEnum.DIRECTORY, children: [], length: 0 })
    return entries.length - 1
  }
  stream(folder, '__substg1.0_0037001F', utf16(fields.subject))
  stream(folder, '__substg1.0_1000001F', utf16(fields.body))
  if (fields.senderName) stream(folder, '__substg1.0_0C1A001F', utf16(fields.senderName))
  for (const [index, attachment] of (fields.attachments ?? []).entries()) {
    const attach = directory(folder, `__attach_version1.0_#${index.toString(16).toUpperCase().padStart(8, '0')}`)
    if ('content' in attachment) {
      stream(attach, '__substg1.0_3707001F', utf16(attachment.filename))
      stream(attach, '__substg1.0_37010102', Uint8Array.from(attachment.content))
    } else {
      stream(attach, '__substg1.0_3001001F', utf16(attachment.message.subject))
      addMessage(entries, directory(attach, '__substg1.0_3701000D'), attachment.message)
    }
  }
}

/** Messages attached inside messages, `depth` deep, each carrying a CSV file that names its level. */
export function nestedMsg(depth: number): Buffer {
  let message: MsgFields = { subject: `Level ${depth}`, body: `The innermost message, level ${depth}.` }
  for (let level = depth - 1; level >= 0; level--) {
    message = {
      subject: `Level ${level}`,
      body: `Forwarded message at level ${level}.`,
      attachments: [
        { filename: `level-${level}.csv`, content: Buffer.from(`level,name\n${level},row one\n${level},row two\n`) },
        { message },
      ],
    }
  }
  return makeMsg(message)
}
