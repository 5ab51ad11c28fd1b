import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

// DejaVu Serif covers Latin, Greek and Cyrillic, so names like "Zoë Ødegård" or "Łódź" print as typed.
//
// pdfkit 0.20 accepts fonts already parsed by fontkit ("Accept already-parsed fontkit Font instances
// in doc.font() and registerFont", pdfkit CHANGELOG). Parsing each font once per process instead of
// once per letter makes a letter about three times faster; each document still embeds its own subset.

/** A font parsed by fontkit; opaque here, pdfkit reads it. */
export interface ParsedFont {
  postscriptName: string
}

declare global {
  namespace PDFKit.Mixins {
    interface PDFFont {
      // @types/pdfkit 0.17 predates parsed-font support.
      registerFont(name: string, src: ParsedFont): this
    }
  }
}

export interface FontFiles {
  regular: Buffer
  bold: Buffer
}

export interface LetterFonts {
  regular: ParsedFont
  bold: ParsedFont
}

const require = createRequire(import.meta.url)
// Declared at the version pdfkit depends on, so npm shares one copy and the parsed fonts are the kind pdfkit expects.
const fontkit = require('fontkit') as { create(data: Uint8Array): ParsedFont }

let files: Promise<FontFiles> | undefined
let parsed: Promise<LetterFonts> | undefined

/** The TTF files from the dejavu-fonts-ttf package, read once per process. */
export function letterFontFiles(): Promise<FontFiles> {
  files ??= Promise.all([
    readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf')),
    readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf')),
  ]).then(
    ([regular, bold]) => ({ regular, bold }),
    (error: unknown) => {
      files = undefined // let a later letter try again rather than keep the failure
      throw error
    },
  )
  return files
}

/** The fonts parsed once per process and shared by every letter. */
export function letterFonts(): Promise<LetterFonts> {
  parsed ??= letterFontFiles().then(
    (loaded) => ({ regular: fontkit.create(loaded.regular), bold: fontkit.create(loaded.bold) }),
    (error: unknown) => {
      parsed = undefined
      throw error
    },
  )
  return parsed
}
