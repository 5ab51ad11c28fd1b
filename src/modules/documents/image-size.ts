/**
 * The pixel size of a PNG, JPEG or TIFF (its largest page) from its headers, without decoding it,
 * so an image bomb is refused before anything allocates its pixels. `read` gives the bytes at an
 * offset (fewer at the end of the file). Null when the headers do not say.
 */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>

export interface ImageSize {
  width: number
  height: number
}

// A TIFF with more pages than this is read by tesseract page by page anyway; the cap bounds the walk.
const MAX_TIFF_PAGES = 1_000
const MAX_JPEG_SEGMENTS = 1_000

export async function imageSize(type: 'png' | 'jpeg' | 'tiff', read: ReadAt): Promise<ImageSize | null> {
  if (type === 'png') {
    const header = await read(16, 8)
    return header.length === 8 ? { width: header.readUInt32BE(0), height: header.readUInt32BE(4) } : null
  }
  if (type === 'jpeg') return jpegSize(read)
  return tiffSize(read)
}

/** The first start-of-frame segment (SOF0–SOF15 but DHT, JPG and DAC) holds the size. */
async function jpegSize(read: ReadAt): Promise<ImageSize | null> {
  let offset = 2
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
    const marker = await read(offset, 9)
    if (marker.length < 4 || marker[0] !== 0xff) return null
    const code = marker[1]!
    if (code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc) {
      return marker.length === 9 ? { width: marker.readUInt16BE(7), height: marker.readUInt16BE(5) } : null
    }
    offset += 2 + marker.readUInt16BE(2)
  }
  return null
}

async function tiffSize(read: ReadAt): Promise<ImageSize | null> {
  const header = await read(0, 8)
  if (header.length < 8) return null
  const little = header[0] === 0x49
  const u16 = (buffer: Buffer, at: number) => (little ? buffer.readUInt16LE(at) : buffer.readUInt16BE(at))
  const u32 = (buffer: Buffer, at: number) => (little ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at))
  let largest: ImageSize | null = null
  let ifd = u32(header, 4)
  const seen = new Set<number>()
  for (let page = 0; page < MAX_TIFF_PAGES && ifd !== 0 && !seen.has(ifd); page++) {
    seen.add(ifd)
    const count = await read(ifd, 2)
    if (count.length < 2) break
    const entries = await read(ifd + 2, u16(count, 0) * 12 + 4)
    let width = 0
    let height = 0
    for (let at = 0; at + 12 <= entries.length - 4; at += 12) {
      const tag = u16(entries, at)
      const value = u16(entries, at + 2) === 3 ? u16(entries, at + 8) : u32(entries, at + 8)
      if (tag === 256) width = value
      if (tag === 257) height = value
    }
    if (!largest || width * height > largest.width * largest.height) largest = { width, height }
    ifd = entries.length >= 4 ? u32(entries, entries.length - 4) : 0
  }
  return largest
}
