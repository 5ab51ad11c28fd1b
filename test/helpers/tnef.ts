// TNEF streams ([MS-OXTNEF]) as Outlook writes them in winmail.dat: the message attributes
// (version, code page, class, MAPI properties), then per attachment its rendering data, 8.3 title,
// modification date, bytes and MAPI properties (method, long name, extension, MIME tag, a named
// property). Built here, so the tests need no file from elsewhere.

const PT_LONG = 0x0003
const PT_STRING8 = 0x001e
const PT_UNICODE = 0x001f
const PT_BINARY = 0x0102
const PT_OBJECT = 0x000d
const PT_SYSTIME = 0x0040

export interface TnefFile {
  /** The long name (PR_ATTACH_LONG_FILENAME); `title` is the 8.3 one. */
  longName?: string
  title: string
  data: Buffer
  /** Where the bytes go: the attAttachData attribute (Outlook's usual) or the PR_ATTACH_DATA_BIN property. */
  dataIn?: 'attribute' | 'property'
  /** The long name as PT_STRING8 in the code page rather than PT_UNICODE. */
  longNameAs8Bit?: boolean
  /** An embedded Outlook message (attach method 5, PR_ATTACH_DATA_OBJ) instead of a file. */
  embedded?: boolean
  mimeTag?: string
}

export function attribute(level: number, id: number, data: Buffer): Buffer {
  const head = Buffer.alloc(9)
  head.writeUInt8(level, 0)
  head.writeUInt32LE(id, 1)
  head.writeUInt32LE(data.length, 5)
  const checksum = Buffer.alloc(2)
  checksum.writeUInt16LE(
    data.reduce((sum, byte) => (sum + byte) & 0xffff, 0),
    0,
  )
  return Buffer.concat([head, data, checksum])
}

const u16 = (value: number) => {
  const bytes = Buffer.alloc(2)
  bytes.writeUInt16LE(value, 0)
  return bytes
}
const u32 = (value: number) => {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32LE(value, 0)
  return bytes
}
const padded = (bytes: Buffer) => Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)])
const variable = (bytes: Buffer) => Buffer.concat([u32(1), u32(bytes.length), padded(bytes)])
const string8 = (text: string) => Buffer.from(`${text}\0`, 'latin1')
const unicode = (text: string) => Buffer.from(`${text}\0`, 'utf16le')

type Property = { type: number; id: number; value: Buffer; name?: string }

export function propertyList(properties: Property[]): Buffer {
  const parts: Buffer[] = [u32(properties.length)]
  for (const { type, id, value, name } of properties) {
    parts.push(u16(type), u16(id))
    if (name !== undefined) {
      const encoded = unicode(name)
      parts.push(
        Buffer.from('00062008000000000000c00000000046'.replace(/(..)/g, '$1'), 'hex'),
        u32(1),
        u32(encoded.length),
        padded(encoded),
      )
    }
    parts.push(type === PT_STRING8 || type === PT_UNICODE || type === PT_BINARY || type === PT_OBJECT ? variable(value) : padded(value))
  }
  return Buffer.concat(parts)
}

/** Windows FILETIME of 2026-12-01, for PR_LAST_MODIFICATION_TIME. */
const FILETIME = Buffer.from('00c0e5f7b360dd01', 'hex')
/** An attAttachModifyDate (DTR): year, month, day, hour, minute, second, weekday. */
const DTR = Buffer.concat([u16(2026), u16(12), u16(1), u16(9), u16(30), u16(0), u16(2)])

export function buildTnef(files: TnefFile[], options: { codepage?: number } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0x78, 0x9f, 0x3e, 0x22]), u16(0x1234)]
  parts.push(attribute(1, 0x00089006, u32(0x00010000)))
  parts.push(attribute(1, 0x00069007, Buffer.concat([u32(options.codepage ?? 1252), u32(0)])))
  parts.push(attribute(1, 0x00078008, string8('IPM.Microsoft Mail.Note')))
  parts.push(
    attribute(
      1,
      0x00069003,
      propertyList([
        { type: PT_STRING8, id: 0x0037, value: string8('Re: Public records request') },
        { type: PT_SYSTIME, id: 0x3008, value: FILETIME },
        { type: PT_LONG, id: 0x8005, value: u32(1), name: 'x-rr-test' },
      ]),
    ),
  )
  for (const file of files) {
    // attAttachRendData: attach type 1 (file), position, width/height, flags.
    parts.push(attribute(2, 0x00069002, Buffer.concat([u16(1), u32(0xffffffff), u16(0), u16(0), u32(0)])))
    parts.push(attribute(2, 0x00018010, string8(file.title)))
    parts.push(attribute(2, 0x00038013, DTR))
    if (!file.embedded && file.dataIn !== 'property') parts.push(attribute(2, 0x0006800f, file.data))
    const properties: Property[] = [
      { type: PT_LONG, id: 0x3705, value: u32(file.embedded ? 5 : 1) },
      { type: PT_STRING8, id: 0x3703, value: string8(file.title.slice(file.title.lastIndexOf('.'))) },
      { type: PT_SYSTIME, id: 0x3008, value: FILETIME },
      { type: PT_LONG, id: 0x8001, value: u32(0), name: 'AttachmentFlags' },
    ]
    if (file.longName !== undefined)
      properties.push(
        file.longNameAs8Bit
          ? { type: PT_STRING8, id: 0x3707, value: string8(file.longName) }
          : { type: PT_UNICODE, id: 0x3707, value: unicode(file.longName) },
      )
    if (file.mimeTag) properties.push({ type: PT_STRING8, id: 0x370e, value: string8(file.mimeTag) })
    if (file.embedded)
      // PR_ATTACH_DATA_OBJ: the IID of IMessage, then the embedded message (itself a TNEF stream).
      properties.push({
        type: PT_OBJECT,
        id: 0x3701,
        value: Buffer.concat([Buffer.from('0703020000000000c000000000000046', 'hex'), file.data]),
      })
    else if (file.dataIn === 'property') properties.push({ type: PT_BINARY, id: 0x3701, value: file.data })
    parts.push(attribute(2, 0x00069005, propertyList(properties)))
  }
  return Buffer.concat(parts)
}
