/**
 * Outlook's TNEF wrapper (`winmail.dat`, application/ms-tnef, [MS-OXTNEF]): the files inside it.
 * The npm packages that read TNEF are unmaintained or unsafe (node-tnef patches String.prototype,
 * copies the whole rest of the file per attribute and pulls in a logger with install scripts), so
 * this reads the little the service needs: each attachment's bytes and its name. Every length is
 * checked against the bytes that are there and every attribute's checksum is verified, so a
 * damaged or hostile file ends in a TnefError, never a hang or a read past the end.
 */

/** The first four bytes of every TNEF stream (0x223E9F78, little-endian). */
export const TNEF_SIGNATURE = Buffer.from([0x78, 0x9f, 0x3e, 0x22])

/** The stream is not TNEF, or is damaged. */
export class TnefError extends Error {
  override readonly name = 'TnefError'
}

export interface TnefAttachment {
  /** The long file name when Outlook gave one, else the short (8.3) title; null when it gave neither. */
  filename: string | null
  data: Buffer
}

export interface TnefContents {
  attachments: TnefAttachment[]
  /** Attachments that are not files (embedded Outlook messages, OLE objects), left out, by name. */
  skipped: string[]
}

const LEVEL_MESSAGE = 0x01
const LEVEL_ATTACHMENT = 0x02

// Attribute ids ([MS-OXTNEF] 2.1.3.3): the type in the high 16 bits, the id in the low ones.
const ATT_ATTACH_REND_DATA = 0x00069002
const ATT_ATTACH_TITLE = 0x00018010
const ATT_ATTACH_DATA = 0x0006800f
const ATT_ATTACHMENT = 0x00069005
const ATT_OEM_CODEPAGE = 0x00069007

// MAPI properties of an attachment ([MS-OXPROPS]).
const PR_ATTACH_DATA = 0x3701
const PR_ATTACH_FILENAME = 0x3704
const PR_ATTACH_METHOD = 0x3705
const PR_ATTACH_LONG_FILENAME = 0x3707
const PR_DISPLAY_NAME = 0x3001
const ATTACH_BY_VALUE = 1

const PT_STRING8 = 0x001e
const PT_UNICODE = 0x001f
const PT_BINARY = 0x0102
const PT_OBJECT = 0x000d
const MULTI_VALUED = 0x1000
const FIXED_SIZES: Record<number, number> = {
  1: 0, // PT_NULL
  2: 4, // PT_SHORT, padded to 4
  3: 4, // PT_LONG
  4: 4, // PT_FLOAT
  5: 8, // PT_DOUBLE
  6: 8, // PT_CURRENCY
  7: 8, // PT_APPTIME
  10: 4, // PT_ERROR
  11: 4, // PT_BOOLEAN, padded to 4
  20: 8, // PT_I8
  64: 8, // PT_SYSTIME
  72: 16, // PT_CLSID
}

/** More properties than this in one list is no Outlook attachment. */
const MAX_PROPERTIES = 10_000

class Cursor {
  offset = 0
  constructor(
    private readonly bytes: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset
  }

  take(length: number): Buffer {
    if (length < 0 || length > this.remaining)
      throw new TnefError(`${this.what} is cut short: ${length} bytes announced at offset ${this.offset}, ${this.remaining} left`)
    const slice = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return slice
  }

  u8(): number {
    return this.take(1).readUInt8(0)
  }

  u16(): number {
    return this.take(2).readUInt16LE(0)
  }

  u32(): number {
    return this.take(4).readUInt32LE(0)
  }

  /** Skips the padding that aligns a value to four bytes. */
  align(length: number): void {
    this.take((4 - (length % 4)) % 4)
  }
}

interface RawAttachment {
  title: string | null
  data: Buffer | null
  longName: string | null
  displayName: string | null
  method: number | null
  embedded: boolean
}

/** Whether these bytes begin like a TNEF stream. */
export function looksLikeTnef(head: Buffer): boolean {
  return head.length >= 4 && head.subarray(0, 4).equals(TNEF_SIGNATURE)
}

/** The files inside a TNEF stream, in order. Throws TnefError when it is not TNEF or is damaged. */
export function readTnef(bytes: Buffer): TnefContents {
  const cursor = new Cursor(bytes, 'The TNEF stream')
  if (!looksLikeTnef(bytes)) throw new TnefError('The file does not begin with the TNEF signature.')
  cursor.take(4)
  cursor.u16() // legacy key, unused
  const found: RawAttachment[] = []
  let codepage = 'windows-1252'
  while (cursor.remaining > 0) {
    const level = cursor.u8()
    const id = cursor.u32()
    const length = cursor.u32()
    const data = cursor.take(length)
    const checksum = cursor.u16()
    if (checksum !== sum16(data))
      throw new TnefError(`The TNEF attribute 0x${id.toString(16).padStart(8, '0')} fails its checksum: the file is damaged.`)
    if (level !== LEVEL_MESSAGE && level !== LEVEL_ATTACHMENT)
      throw new TnefError(`Unknown TNEF attribute level ${level} at offset ${cursor.offset - length - 11}.`)
    if (id === ATT_OEM_CODEPAGE && data.length >= 4) codepage = codepageName(data.readUInt32LE(0))
    if (level !== LEVEL_ATTACHMENT) continue
    if (id === ATT_ATTACH_REND_DATA) {
      found.push({ title: null, data: null, longName: null, displayName: null, method: null, embedded: false })
      continue
    }
    const current = found.at(-1)
    if (!current) throw new TnefError('A TNEF attachment attribute comes before any attachment begins.')
    if (id === ATT_ATTACH_TITLE) current.title = string8(data, codepage)
    else if (id === ATT_ATTACH_DATA) current.data = data
    else if (id === ATT_ATTACHMENT) readAttachmentProperties(data, current, codepage)
  }
  const contents: TnefContents = { attachments: [], skipped: [] }
  for (const [index, attachment] of found.entries()) {
    const filename = attachment.longName || attachment.title || attachment.displayName || null
    if (attachment.embedded || (attachment.method !== null && attachment.method !== ATTACH_BY_VALUE) || !attachment.data)
      contents.skipped.push(filename ?? `attachment ${index + 1}`)
    else contents.attachments.push({ filename, data: attachment.data })
  }
  return contents
}

/** The attachment's MAPI properties ([MS-OXTNEF] 2.1.3.4): its long name, method and data. */
function readAttachmentProperties(bytes: Buffer, into: RawAttachment, codepage: string): void {
  const cursor = new Cursor(bytes, 'A TNEF attachment’s property list')
  const count = cursor.u32()
  if (count > MAX_PROPERTIES) throw new TnefError(`A TNEF attachment claims ${count} properties.`)
  for (let index = 0; index < count; index++) {
    const type = cursor.u16()
    const id = cursor.u16()
    if (id >= 0x8000) {
      // A named property: its GUID, then a number or a UTF-16 name.
      cursor.take(16)
      const kind = cursor.u32()
      if (kind === 0) cursor.u32()
      else if (kind === 1) {
        const length = cursor.u32()
        cursor.take(length)
        cursor.align(length)
      } else throw new TnefError(`Unknown kind ${kind} of a named TNEF property.`)
    }
    const values = readValues(cursor, type)
    const first = values[0]
    if (first === undefined) continue
    const base = type & ~MULTI_VALUED
    const text = () => (base === PT_UNICODE ? unicode(first) : base === PT_STRING8 ? string8(first, codepage) : null)
    if (id === PR_ATTACH_LONG_FILENAME) into.longName = text() || into.longName
    else if (id === PR_ATTACH_FILENAME && !into.title) into.title = text()
    else if (id === PR_DISPLAY_NAME) into.displayName = text()
    else if (id === PR_ATTACH_METHOD && first.length >= 4) into.method = first.readUInt32LE(0)
    else if (id === PR_ATTACH_DATA) {
      if (base === PT_OBJECT) into.embedded = true
      else if (base === PT_BINARY && !into.data) into.data = first
    }
  }
}

function readValues(cursor: Cursor, type: number): Buffer[] {
  const base = type & ~MULTI_VALUED
  const variable = base === PT_STRING8 || base === PT_UNICODE || base === PT_BINARY || base === PT_OBJECT
  const fixed = FIXED_SIZES[base]
  if (!variable && fixed === undefined) throw new TnefError(`Unknown TNEF property type 0x${type.toString(16)}.`)
  // Single-valued variable types also carry a count (always 1); single fixed ones do not.
  const count = variable || type & MULTI_VALUED ? cursor.u32() : 1
  if (count > cursor.remaining) throw new TnefError(`A TNEF property claims ${count} values.`)
  const values: Buffer[] = []
  for (let index = 0; index < count; index++) {
    if (variable) {
      const length = cursor.u32()
      values.push(cursor.take(length))
      cursor.align(length)
    } else values.push(cursor.take(fixed!))
  }
  return values
}

function sum16(bytes: Buffer): number {
  let sum = 0
  for (let index = 0; index < bytes.length; index++) sum = (sum + bytes[index]!) & 0xffff
  return sum
}

const withoutNul = (text: string) => text.replace(/\0[\s\S]*$/, '').trim()

function string8(bytes: Buffer, codepage: string): string | null {
  let text: string
  try {
    text = new TextDecoder(codepage).decode(bytes)
  } catch {
    text = bytes.toString('latin1')
  }
  return withoutNul(text) || null
}

function unicode(bytes: Buffer): string | null {
  return withoutNul(bytes.subarray(0, bytes.length - (bytes.length % 2)).toString('utf16le')) || null
}

/** A Windows code page number as TextDecoder names it; windows-1252 when it is one TextDecoder does not know. */
function codepageName(codepage: number): string {
  const name = codepage === 65001 ? 'utf-8' : codepage === 932 ? 'shift_jis' : codepage === 936 ? 'gbk' : `windows-${codepage}`
  try {
    new TextDecoder(name)
    return name
  } catch {
    return 'windows-1252'
  }
}
