/**
 * What a file is, told from its first bytes: never from its name or the client's Content-Type,
 * which anyone can set. Pure, so it is tested on byte strings alone.
 */

export const FILE_TYPES = {
  pdf: { mimeType: 'application/pdf', extension: 'pdf' },
  png: { mimeType: 'image/png', extension: 'png' },
  jpeg: { mimeType: 'image/jpeg', extension: 'jpg' },
  tiff: { mimeType: 'image/tiff', extension: 'tif' },
  email: { mimeType: 'message/rfc822', extension: 'eml' },
  text: { mimeType: 'text/plain', extension: 'txt' },
  csv: { mimeType: 'text/csv', extension: 'csv' },
  docx: { mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
  xlsx: { mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
  msg: { mimeType: 'application/vnd.ms-outlook', extension: 'msg' },
} as const

export type FileType = keyof typeof FILE_TYPES
export type MimeType = (typeof FILE_TYPES)[FileType]['mimeType']

export const MIME_TYPES = Object.values(FILE_TYPES).map((type) => type.mimeType) as [MimeType, ...MimeType[]]

/** How many leading bytes `detectFileType` looks at: enough for the first entries of a ZIP and an Outlook message's directory. */
export const SNIFF_BYTES = 65_536

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const JPEG = Buffer.from([0xff, 0xd8, 0xff])
const TIFF_LITTLE = Buffer.from([0x49, 0x49, 0x2a, 0x00])
const TIFF_BIG = Buffer.from([0x4d, 0x4d, 0x00, 0x2a])
const ZIP_LOCAL_FILE = Buffer.from([0x50, 0x4b, 0x03, 0x04])
// Compound File Binary (MS-CFB), the container of Outlook's .msg and of Office 97–2003 files.
const COMPOUND_FILE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
// Streams only an Outlook item has (MS-OXMSG 2.2): property values and the property stream, named in UTF-16LE.
const OUTLOOK_STREAMS = [Buffer.from('__substg1.0_', 'utf16le'), Buffer.from('__properties_version1.0', 'utf16le')]
// PDF readers accept the header anywhere in the first 1024 bytes (ISO 32000-1, annex H.3).
const PDF_HEADER_WITHIN = 1024

/** RFC 5322 header fields an exported email starts with; at least one must be there. */
const EMAIL_FIELDS = new Set([
  'from',
  'to',
  'date',
  'subject',
  'message-id',
  'received',
  'return-path',
  'mime-version',
  'delivered-to',
  'reply-to',
  'cc',
])
const HEADER_LINE = /^([!-9;-~]+):/

export function fileTypeOf(mimeType: string): FileType | null {
  return (Object.keys(FILE_TYPES) as FileType[]).find((type) => FILE_TYPES[type].mimeType === mimeType) ?? null
}

/** The type of a file from its first SNIFF_BYTES bytes (fewer for a smaller file), or null when it is none we take. */
export function detectFileType(head: Buffer): FileType | null {
  if (head.length === 0) return null
  if (head.subarray(0, PDF_HEADER_WITHIN).includes('%PDF-')) return 'pdf'
  if (head.subarray(0, PNG.length).equals(PNG)) return 'png'
  if (head.subarray(0, JPEG.length).equals(JPEG)) return 'jpeg'
  const four = head.subarray(0, 4)
  if (four.equals(TIFF_LITTLE) || four.equals(TIFF_BIG)) return 'tiff'
  if (four.equals(ZIP_LOCAL_FILE)) return officeZipType(head)
  if (head.subarray(0, COMPOUND_FILE.length).equals(COMPOUND_FILE))
    return OUTLOOK_STREAMS.some((name) => head.includes(name)) ? 'msg' : null
  const text = asText(head)
  if (text === null) return null
  const cutShort = head.length >= SNIFF_BYTES
  if (looksLikeEmail(text, cutShort)) return 'email'
  return looksLikeCsv(text, cutShort) ? 'csv' : 'text'
}

/**
 * A Word or Excel file (Office Open XML, ECMA-376 part 2) is a ZIP whose parts live under word/ or
 * xl/. The names of the entries are read from their local headers in the sample: Office and
 * LibreOffice write [Content_Types].xml, _rels and docProps (all small) before them. Anything else
 * (an .odt, a .pptx, a plain ZIP) is null.
 */
function officeZipType(head: Buffer): 'docx' | 'xlsx' | null {
  for (let at = head.indexOf(ZIP_LOCAL_FILE); at >= 0 && at + 30 <= head.length; at = head.indexOf(ZIP_LOCAL_FILE, at + 4)) {
    const nameLength = head.readUInt16LE(at + 26)
    const name = head.subarray(at + 30, at + 30 + nameLength).toString('latin1')
    if (name.startsWith('word/')) return 'docx'
    if (name.startsWith('xl/')) return 'xlsx'
  }
  return null
}

/** The separators a CSV file may use; tabs first, since tab-separated cells often hold commas. */
const CSV_DELIMITERS = ['\t', ',', ';'] as const
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number]

function looksLikeCsv(text: string, cutShort: boolean): boolean {
  return csvDelimiterOf(text, cutShort) !== null
}

/**
 * The separator of comma-, tab- or semicolon-separated values: the complete records of the sample
 * (quoted fields may hold separators and line breaks) all have the same number of fields, at least
 * two, with at least three records, or two records of three fields or more (prose seldom keeps that
 * up line after line). Null when the text is not such a table.
 */
export function csvDelimiterOf(text: string, cutShort: boolean): CsvDelimiter | null {
  const records = csvFieldCounts(text.replace(/^\uFEFF/, ''), cutShort)
  if (records.length < 2) return null
  return (
    CSV_DELIMITERS.find((delimiter) => {
      const counts = records.map((record) => record[delimiter])
      const fields = counts[0]! + 1
      return fields >= 2 && counts.every((count) => count === counts[0]) && (records.length >= 3 || fields >= 3)
    }) ?? null
  )
}

const CSV_SAMPLE_RECORDS = 50

function csvFieldCounts(text: string, cutShort: boolean): Record<CsvDelimiter, number>[] {
  const records: Record<CsvDelimiter, number>[] = []
  let current = { '\t': 0, ',': 0, ';': 0 }
  let quoted = false
  let empty = true
  for (let index = 0; index < text.length && records.length < CSV_SAMPLE_RECORDS; index++) {
    const char = text[index]!
    if (char === '"') quoted = !quoted
    else if (!quoted && (char === '\t' || char === ',' || char === ';')) current[char] += 1
    else if (!quoted && (char === '\n' || char === '\r')) {
      if (char === '\r' && text[index + 1] === '\n') index += 1
      if (!empty) records.push(current)
      current = { '\t': 0, ',': 0, ';': 0 }
      empty = true
      continue
    }
    empty = false
  }
  // The last record counts only when the file ended there, not the sample.
  if (!empty && !quoted && !cutShort && records.length < CSV_SAMPLE_RECORDS) records.push(current)
  return records
}

/** The bytes as UTF-8 text, or null when they are binary: NULs, invalid UTF-8, or many control characters. */
function asText(head: Buffer): string | null {
  if (head.includes(0)) return null
  let text: string
  try {
    // A multi-byte character may be cut at the end of the sample; drop up to three bytes of it.
    text = new TextDecoder('utf-8', { fatal: true }).decode(trimPartialCharacter(head))
  } catch {
    return null
  }
  let control = 0
  for (const char of text) {
    const code = char.charCodeAt(0)
    if (code < 0x20 && char !== '\n' && char !== '\r' && char !== '\t' && char !== '\f') control += 1
  }
  return control > text.length / 100 ? null : text
}

function trimPartialCharacter(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: keep looking for the lead byte
    if (byte < 0x80) return bytes
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
    return length > back ? bytes.subarray(0, bytes.length - back) : bytes
  }
  return bytes
}

/** Header lines (with continuations) up to a blank line, at least two of them, one a well-known field. */
function looksLikeEmail(text: string, cutShort: boolean): boolean {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  let fields = 0
  let known = false
  for (const line of lines) {
    if (line === '') return fields >= 2 && known
    if (/^[ \t]/.test(line) && fields > 0) continue
    const match = HEADER_LINE.exec(line)
    if (!match) return false
    fields += 1
    if (EMAIL_FIELDS.has(match[1]!.toLowerCase())) known = true
  }
  // The sample ended inside the headers: a long header block still counts.
  return fields >= 2 && known && cutShort
}

/**
 * When an exported email says it was sent: its Date header, read from the header block at the
 * start of the file. Null when there is none in `head`, it is not a date, or it lies in the
 * future (a wrong clock on the sender's side is not a reason to date a record ahead of now).
 */
export function emailSentAt(head: Buffer, now: Date): Date | null {
  const lines = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
  for (let index = 0; index < lines.length && lines[index] !== ''; index++) {
    const match = /^date:(.*)$/i.exec(lines[index]!)
    if (!match) continue
    let value = match[1]!
    for (let next = index + 1; next < lines.length && /^[ \t]/.test(lines[next]!); next++) value += ` ${lines[next]!.trim()}`
    const date = new Date(value.trim())
    const year = date.getUTCFullYear()
    return Number.isNaN(date.getTime()) || year < 1970 || date > now ? null : date
  }
  return null
}
