// Where text sits on a page: pdf.js text positions for a PDF's text layer, tesseract's word boxes
// for pixels. Both become a string with each character's box, so a redaction's text is found the
// same way in both and mapped back to boxes to paint.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js'
import { occurrences } from '../../modules/privacy/redact-text.js'
import type { PageBox } from './raster.js'

/** A run of text with one box (a pdf.js text item, an OCR word). */
export interface PlacedRun {
  text: string
  box: PageBox
  /** What goes between this run and the next: '' (same word), ' ' or '\n'. */
  after: string
  /** Where each character begins, as a fraction of the run's width (one more entry: 1); evenly spread when absent. */
  edges?: number[]
}

// Where characters sit inside a pdf.js item is not given, only the item's width: they are spread in
// proportion to DejaVu Sans's advances (close to any proportional font's), or evenly for monospace.
const require = createRequire(import.meta.url)
interface ProportionalFont {
  layout(text: string): { positions: { xAdvance: number }[] }
}
let proportional: ProportionalFont | undefined
// Laying out a character is the slow part of placing a page's text; pages repeat few characters.
const advanceCache = new Map<string, number>()

function characterEdges(text: string, monospace: boolean): number[] {
  const characters = [...text]
  const advances: number[] = []
  if (monospace) advances.push(...characters.map(() => 1))
  else {
    // fontkit is loaded with the first proportional item, not with the module (see pdf/pdfkit.ts).
    proportional ??= (require('fontkit') as { create(data: Buffer): ProportionalFont }).create(
      readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    )
    // One advance per UTF-16 unit, as offsets into the text count them.
    for (const character of characters) {
      let advance = advanceCache.get(character)
      if (advance === undefined) {
        advance = proportional.layout(character).positions.reduce((sum, position) => sum + position.xAdvance, 0) || 1
        advanceCache.set(character, advance)
      }
      advances.push(advance, ...Array(character.length - 1).fill(0))
    }
  }
  const total = advances.reduce((sum, advance) => sum + advance, 0)
  const edges = [0]
  for (const advance of advances) edges.push(edges.at(-1)! + advance / total)
  return edges
}

/** The boxes covering every occurrence of the needles in the runs (a partly covered run gets its share). */
export function boxesOf(runs: readonly PlacedRun[], needles: readonly string[]): PageBox[] {
  let joined = ''
  const owner: number[] = []
  const offsetInRun: number[] = []
  runs.forEach((run, index) => {
    for (let at = 0; at < run.text.length; at++) {
      owner.push(index)
      offsetInRun.push(at)
    }
    joined += run.text
    for (const _ of run.after) {
      owner.push(-1)
      offsetInRun.push(0)
    }
    joined += run.after
  })
  const boxes: PageBox[] = []
  for (const range of occurrences(joined, needles)) {
    const byRun = new Map<number, [number, number]>()
    for (let at = range.start; at < range.end; at++) {
      const index = owner[at]!
      if (index === -1) continue
      const [first, last] = byRun.get(index) ?? [offsetInRun[at]!, offsetInRun[at]!]
      byRun.set(index, [Math.min(first, offsetInRun[at]!), Math.max(last, offsetInRun[at]! + 1)])
    }
    for (const [index, [first, last]] of byRun) {
      const { box, text, edges } = runs[index]!
      const width = box.right - box.left
      const edge = (at: number) => (edges ? edges[at]! : at / text.length)
      // Half a character more on each side: the advances are an estimate of the real font's.
      const slack = text.length > 0 ? (width / text.length) * 0.5 : 0
      boxes.push({
        left: Math.max(box.left, box.left + width * edge(first) - slack),
        right: Math.min(box.right, box.left + width * edge(last) + slack),
        top: box.top,
        bottom: box.bottom,
      })
    }
  }
  return boxes
}

export interface PdfPages {
  pageCount: number
  /** The page's size in points (1/72 inch), as displayed (rotation applied). */
  size(page: number): Promise<{ width: number; height: number }>
  /** The page's text layer as runs placed on the page. */
  runs(page: number): Promise<PlacedRun[]>
  close(): Promise<void>
}

/** A PDF opened for its text positions (no images decoded). */
export async function openPdfPages(data: Uint8Array): Promise<PdfPages> {
  // Loaded on first use: only the rendition worker reads text positions.
  const { getDocument, VerbosityLevel } = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const task = getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: VerbosityLevel.ERRORS, maxImageSize: 0 })
  const document: PDFDocumentProxy = await task.promise
  return {
    pageCount: document.numPages,
    async size(number) {
      const page = await document.getPage(number)
      const viewport = page.getViewport({ scale: 1 })
      page.cleanup()
      return { width: viewport.width, height: viewport.height }
    },
    async runs(number) {
      const page = await document.getPage(number)
      try {
        const viewport = page.getViewport({ scale: 1 })
        const content = await page.getTextContent()
        const items = content.items.filter((item): item is TextItem => 'str' in item)
        const runs: PlacedRun[] = []
        items.forEach((item, index) => {
          const [, , c, d, x, y] = item.transform.map(Number) as [number, number, number, number, number, number]
          const height = item.height || Math.hypot(c, d)
          const next = items[index + 1]
          // Descenders below the baseline, ascenders up to the font size.
          const [x0, y0, x1, y1] = viewport.convertToViewportRectangle([x, y - height * 0.3, x + item.width, y + height])
          const box = {
            left: Math.min(x0, x1) / viewport.width,
            right: Math.max(x0, x1) / viewport.width,
            top: Math.min(y0, y1) / viewport.height,
            bottom: Math.max(y0, y1) / viewport.height,
          }
          let after = item.hasEOL ? '\n' : ''
          if (!after && next) {
            const nextX = Number(next.transform[4])
            const nextY = Number(next.transform[5])
            if (Math.abs(nextY - y) > 1) after = '\n'
            else if (nextX - (x + item.width) > height * 0.15) after = ' '
          }
          const monospace = content.styles[item.fontName]?.fontFamily === 'monospace'
          if (item.str !== '' || after) runs.push({ text: item.str, box, after, edges: characterEdges(item.str, monospace) })
        })
        return runs
      } finally {
        page.cleanup()
      }
    },
    close: () => task.destroy(),
  }
}

/**
 * Tesseract's TSV output (level 5 rows are words) as runs, boxes as fractions of the image:
 * words of a line are separated by spaces, lines by newlines.
 */
export function runsFromTesseractTsv(tsv: string): PlacedRun[] {
  const rows = tsv.split('\n').map((line) => line.split('\t'))
  const page = rows.find((row) => row[0] === '1')
  const width = Number(page?.[8] ?? 0)
  const height = Number(page?.[9] ?? 0)
  if (!width || !height) return []
  const words = rows.filter((row) => row[0] === '5' && (row[11] ?? '').trim() !== '')
  return words.map((row, index) => {
    const [left, top, w, h] = [6, 7, 8, 9].map((column) => Number(row[column]))
    const next = words[index + 1]
    const sameLine = next && next[2] === row[2] && next[3] === row[3] && next[4] === row[4]
    return {
      text: row[11]!.trim(),
      box: { left: left! / width, top: top! / height, right: (left! + w!) / width, bottom: (top! + h!) / height },
      after: sameLine ? ' ' : '\n',
    }
  })
}
