// The text of the native formats agencies send, read by maintained libraries: Word (.docx) by
// mammoth, Excel (.xlsx) by exceljs's streaming reader (row by row, so a sheet is never held whole),
// Outlook messages (.msg) by @kenjiuno/msgreader. A .docx or .xlsx must pass checkOfficeZip first.
import { Readable } from 'node:stream'
import msgreader, { type FieldsData } from '@kenjiuno/msgreader'
import ExcelJS from 'exceljs'
import mammoth from 'mammoth'
import { OfficeFileError } from './office-zip.js'

// The package is CommonJS with its class on `exports.default`.
const MsgReader = msgreader.default
type MsgReader = InstanceType<typeof MsgReader>

/** The text of a Word document: its paragraphs (tables' cells among them), a blank line apart. */
export async function docxText(bytes: Buffer): Promise<string> {
  try {
    return (await mammoth.extractRawText({ buffer: bytes })).value
  } catch (error) {
    throw new OfficeFileError(`The Word document cannot be read (${reason(error)}); it may be damaged.`)
  }
}

export interface SheetRows {
  name: string
  /** Each row's cells as text, empty ones '' (trailing ones dropped); empty rows are left out. */
  rows: string[][]
}

/** Why reading a table stopped before its end: the cell limit, or the time budget (epoch ms). */
export type StoppedAt = 'cells' | 'time' | null

/**
 * The rows of an Excel workbook's sheets, in order, until `maxCells` cells have been read or the
 * `deadline` (epoch ms) has passed; then reading stops there, without parsing the rest, and says why.
 */
export async function xlsxSheets(
  bytes: Buffer,
  limits: { maxCells: number; deadline: number },
): Promise<{ sheets: SheetRows[]; stopped: StoppedAt }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  })
  const sheets: SheetRows[] = []
  let cells = 0
  try {
    for await (const worksheet of reader) {
      const sheet: SheetRows = { name: (worksheet as unknown as { name: string }).name, rows: [] }
      sheets.push(sheet)
      for await (const row of worksheet) {
        const values = (row.values as unknown[]).slice(1).map(cellText)
        while (values.length > 0 && values.at(-1) === '') values.pop()
        if (values.length === 0) continue
        cells += values.length
        if (cells > limits.maxCells) return { sheets, stopped: 'cells' }
        if (Date.now() > limits.deadline) return { sheets, stopped: 'time' }
        sheet.rows.push(values)
      }
    }
  } catch (error) {
    throw new OfficeFileError(`The Excel workbook cannot be read (${reason(error)}); it may be damaged.`)
  }
  return { sheets, stopped: null }
}

/** A cell's value as it reads: dates as ISO dates, formulas as their result, rich text as its text. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) {
    const iso = value.toISOString()
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z')
  }
  if (typeof value !== 'object') return String(value)
  const object = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string }
  if (object.richText) return object.richText.map((run) => run.text).join('')
  if ('result' in object) return cellText(object.result)
  if ('text' in object) return cellText(object.text)
  if (object.error) return object.error
  return ''
}

export interface OutlookAttachment {
  filename: string
  /** An Outlook item attached to this one (a forwarded message), rebuilt as a .msg file of its own. */
  embedded: boolean
  content: Buffer
}

export interface OutlookMessage {
  from: string
  to: string
  cc: string
  date: string
  subject: string
  body: string
  attachments: OutlookAttachment[]
}

/** An Outlook message's headers, plain-text body and attachments. */
export function readOutlookMessage(bytes: Buffer): OutlookMessage {
  let reader: MsgReader
  let fields: FieldsData
  try {
    reader = new MsgReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    fields = reader.getFileData()
  } catch (error) {
    throw new OfficeFileError(`The Outlook message cannot be read (${reason(error)}); it may be damaged.`)
  }
  if (fields.error) throw new OfficeFileError(`The Outlook message cannot be read (${fields.error}); it may be damaged.`)
  const recipients = (kind: string) =>
    (fields.recipients ?? [])
      .filter((recipient) => (recipient.recipType ?? 'to') === kind)
      .map((recipient) => address(recipient.name, recipient.smtpAddress ?? recipient.email))
      .join(', ')
  const attachments = (fields.attachments ?? []).map((attachment, index) => {
    const embedded = attachment.innerMsgContent === true
    let data: { fileName: string; content: Uint8Array }
    try {
      data = reader.getAttachment(attachment)
    } catch (error) {
      throw new OfficeFileError(`Attachment ${index + 1} of the Outlook message cannot be read (${reason(error)}); it may be damaged.`)
    }
    return {
      filename:
        (embedded ? data.fileName : (attachment.fileName ?? attachment.fileNameShort ?? data.fileName)) || `attachment-${index + 1}`,
      embedded,
      content: Buffer.from(data.content.buffer, data.content.byteOffset, data.content.byteLength),
    }
  })
  return {
    from: address(fields.senderName, fields.senderSmtpAddress ?? fields.senderEmail),
    to: recipients('to'),
    cc: recipients('cc'),
    date: fields.clientSubmitTime ?? fields.messageDeliveryTime ?? '',
    subject: fields.subject ?? '',
    body: fields.body ?? '',
    attachments,
  }
}

function address(name: string | undefined, email: string | undefined): string {
  if (name && email && name !== email) return `${name} <${email}>`
  return name || email || ''
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
