// Real image files made in the tests: text drawn with a real font (DejaVu Sans, through fontkit),
// encoded as PNG or TIFF, so OCR has something a scanner could have produced.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { crc32, deflateSync } from 'node:zlib'

interface PathCommand {
  command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath'
  args: number[]
}
interface Glyph {
  path: { commands: PathCommand[] }
  advanceWidth: number
}
interface Font {
  unitsPerEm: number
  layout(text: string): { glyphs: Glyph[]; positions: { xAdvance: number }[] }
}

const require = createRequire(import.meta.url)
const fontkit = require('fontkit') as { create(data: Buffer): Font }
const font = fontkit.create(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')))

/** An 8-bit grayscale image, 0 black … 255 white, row by row. */
export interface GrayImage {
  width: number
  height: number
  pixels: Uint8Array
}

/** Black text on white, one line per entry, like a page from a scanner at about 150 dpi. */
export function renderText(lines: readonly string[], options: { fontSize?: number; margin?: number } = {}): GrayImage {
  const fontSize = options.fontSize ?? 32
  const margin = options.margin ?? 40
  const scale = fontSize / font.unitsPerEm
  const lineHeight = Math.ceil(fontSize * 1.5)
  const widths = lines.map((line) => font.layout(line).positions.reduce((sum, position) => sum + position.xAdvance, 0) * scale)
  const width = Math.ceil(Math.max(...widths) + 2 * margin)
  const height = lines.length * lineHeight + 2 * margin
  const edges: [number, number, number, number][] = []
  lines.forEach((line, index) => {
    const baseline = margin + index * lineHeight + fontSize
    let penX = margin
    const run = font.layout(line)
    run.glyphs.forEach((glyph, glyphIndex) => {
      outline(glyph, (x, y) => [penX + x * scale, baseline - y * scale], edges)
      penX += run.positions[glyphIndex]!.xAdvance * scale
    })
  })
  return { width, height, pixels: fill(edges, width, height) }
}

/** Flattens a glyph's outline into straight edges in image coordinates. */
function outline(glyph: Glyph, toImage: (x: number, y: number) => [number, number], edges: [number, number, number, number][]): void {
  let start: [number, number] = [0, 0]
  let current: [number, number] = [0, 0]
  const lineTo = (point: [number, number]) => {
    edges.push([current[0], current[1], point[0], point[1]])
    current = point
  }
  const STEPS = 8
  for (const { command, args } of glyph.path.commands) {
    if (command === 'moveTo') current = start = toImage(args[0]!, args[1]!)
    else if (command === 'lineTo') lineTo(toImage(args[0]!, args[1]!))
    else if (command === 'closePath') lineTo(start)
    else {
      const from = current
      const controls: [number, number][] = []
      for (let index = 0; index < args.length; index += 2) controls.push(toImage(args[index]!, args[index + 1]!))
      for (let step = 1; step <= STEPS; step++) lineTo(bezierPoint([from, ...controls], step / STEPS))
    }
  }
}

function bezierPoint(points: [number, number][], t: number): [number, number] {
  let level = points
  while (level.length > 1)
    level = level
      .slice(1)
      .map((point, index) => [level[index]![0] + (point[0] - level[index]![0]) * t, level[index]![1] + (point[1] - level[index]![1]) * t])
  return level[0]!
}

/** Non-zero winding scanline fill, sampled at each pixel's centre. */
function fill(edges: [number, number, number, number][], width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height).fill(255)
  for (let row = 0; row < height; row++) {
    const y = row + 0.5
    const crossings: { x: number; winding: number }[] = []
    for (const [x0, y0, x1, y1] of edges) {
      if (y0 === y1 || y < Math.min(y0, y1) || y >= Math.max(y0, y1)) continue
      crossings.push({ x: x0 + ((y - y0) / (y1 - y0)) * (x1 - x0), winding: y1 > y0 ? 1 : -1 })
    }
    crossings.sort((a, b) => a.x - b.x)
    let winding = 0
    for (let index = 0; index < crossings.length - 1; index++) {
      winding += crossings[index]!.winding
      if (winding === 0) continue
      const from = Math.max(0, Math.ceil(crossings[index]!.x - 0.5))
      const to = Math.min(width - 1, Math.floor(crossings[index + 1]!.x - 0.5))
      for (let column = from; column <= to; column++) pixels[row * width + column] = 0
    }
  }
  return pixels
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const checksum = Buffer.alloc(4)
  checksum.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, checksum])
}

/** A grayscale PNG. */
export function encodePng(image: GrayImage): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(image.width, 0)
  header.writeUInt32BE(image.height, 4)
  header.set([8, 0, 0, 0, 0], 8) // 8-bit grayscale, deflate, no filter method, no interlace
  const rows = Buffer.alloc((image.width + 1) * image.height)
  for (let row = 0; row < image.height; row++)
    rows.set(image.pixels.subarray(row * image.width, (row + 1) * image.width), row * (image.width + 1) + 1)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** An uncompressed, 8-bit grayscale, little-endian TIFF with one page per image, one strip a page. */
export function encodeTiff(...pages: GrayImage[]): Buffer {
  const TAGS = 9
  const ifdSize = 2 + TAGS * 12 + 4
  const parts: Buffer[] = []
  let offset = 8
  const header = Buffer.alloc(8)
  header.write('II', 0, 'latin1')
  header.writeUInt16LE(42, 2)
  header.writeUInt32LE(offset, 4)
  parts.push(header)
  pages.forEach((image, index) => {
    const dataOffset = offset + ifdSize
    const next = index === pages.length - 1 ? 0 : dataOffset + image.pixels.length
    const entries: [number, number, number][] = [
      [256, 4, image.width], // ImageWidth
      [257, 4, image.height], // ImageLength
      [258, 3, 8], // BitsPerSample
      [259, 3, 1], // Compression: none
      [262, 3, 1], // PhotometricInterpretation: black is zero
      [273, 4, dataOffset], // StripOffsets
      [277, 3, 1], // SamplesPerPixel
      [278, 4, image.height], // RowsPerStrip
      [279, 4, image.pixels.length], // StripByteCounts
    ]
    const ifd = Buffer.alloc(ifdSize)
    ifd.writeUInt16LE(TAGS, 0)
    entries.forEach(([tag, type, value], entry) => {
      const at = 2 + entry * 12
      ifd.writeUInt16LE(tag, at)
      ifd.writeUInt16LE(type, at + 2)
      ifd.writeUInt32LE(1, at + 4)
      if (type === 3) ifd.writeUInt16LE(value, at + 8)
      else ifd.writeUInt32LE(value, at + 8)
    })
    ifd.writeUInt32LE(next, 2 + TAGS * 12)
    parts.push(ifd, Buffer.from(image.pixels))
    offset = dataOffset + image.pixels.length
  })
  return Buffer.concat(parts)
}
