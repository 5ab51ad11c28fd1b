// Image bombs: files a few hundred kilobytes on disk whose pixels take gigabytes once decoded.
// They are compressed row by row, so making them takes little memory here.
import { crc32, createDeflate } from 'node:zlib'

async function deflateRows(rowBytes: number, rows: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 })
  const out: Buffer[] = []
  deflate.on('data', (chunk: Buffer) => out.push(chunk))
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject))
  const ROWS_PER_WRITE = Math.max(1, Math.floor((16 * 1024 * 1024) / rowBytes))
  const block = Buffer.alloc(rowBytes * ROWS_PER_WRITE)
  for (let row = 0; row < rows; row += ROWS_PER_WRITE) {
    const count = Math.min(ROWS_PER_WRITE, rows - row)
    if (!deflate.write(block.subarray(0, count * rowBytes))) await new Promise((resolve) => deflate.once('drain', resolve))
  }
  deflate.end()
  await done
  return Buffer.concat(out)
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const checksum = Buffer.alloc(4)
  checksum.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, checksum])
}

/** An 8-bit grayscale PNG of black pixels. */
export async function pngBomb(width: number, height: number): Promise<Buffer> {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 0, 0, 0, 0], 8)
  // Each row: filter byte 0, then the pixels, all zero.
  const data = await deflateRows(width + 1, height)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', data),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/**
 * A one-page PDF, no text, that draws one RGB image of this size over the page (a letter page,
 * or one of `page` points). `blackAndWhite`: a 1-bit image, as a fax or bilevel scan is, far
 * quicker to make at the same size.
 */
export async function pdfImageBomb(
  width: number,
  height: number,
  options: { page?: [number, number]; blackAndWhite?: boolean } = {},
): Promise<Buffer> {
  const [pageWidth, pageHeight] = options.page ?? [612, 792]
  const image = await deflateRows(options.blackAndWhite ? Math.ceil(width / 8) : width * 3, height)
  const colors = options.blackAndWhite ? '/ColorSpace /DeviceGray /BitsPerComponent 1' : '/ColorSpace /DeviceRGB /BitsPerComponent 8'
  const content = Buffer.from(`q ${pageWidth} 0 0 ${pageHeight} 0 0 cm /Im0 Do Q\n`, 'latin1')
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pageWidth} ${pageHeight}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`,
    ),
    Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} ${colors} /Filter /FlateDecode /Length ${image.length} >>\nstream\n`,
      ),
      image,
      Buffer.from('\nendstream'),
    ]),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('endstream')]),
  ]
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')]
  let offset = parts[0]!.length
  const offsets: number[] = []
  objects.forEach((body, index) => {
    const object = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')])
    offsets.push(offset)
    parts.push(object)
    offset += object.length
  })
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n `),
  ].join('\n')
  parts.push(Buffer.from(`${xref}\ntrailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`))
  return Buffer.concat(parts)
}
