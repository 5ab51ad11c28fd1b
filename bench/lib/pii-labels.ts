// The labelled set of test/fixtures/pii: documents whose private data is marked {{kind|text}}.
import { readdirSync, readFileSync } from 'node:fs'
import { PII_KINDS, type PiiKind } from '../../src/modules/privacy/pii-detectors.js'

export interface LabelledPage {
  file: string
  page: number
  text: string
  spans: { kind: PiiKind; start: number; end: number; text: string }[]
}

const MARK = /\{\{(\w+)\|([^}]*)\}\}/g

export function readLabelledSet(directory = new URL('../../test/fixtures/pii/', import.meta.url)): LabelledPage[] {
  const pages: LabelledPage[] = []
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.txt'))
    .sort()) {
    for (const [index, marked] of readFileSync(new URL(file, directory), 'utf8').split('\f').entries()) {
      let text = ''
      let last = 0
      const spans: LabelledPage['spans'] = []
      for (const match of marked.matchAll(MARK)) {
        const kind = match[1] as PiiKind
        if (!PII_KINDS.includes(kind)) throw new Error(`${file}: unknown kind ${kind}`)
        text += marked.slice(last, match.index)
        spans.push({ kind, start: text.length, end: text.length + match[2]!.length, text: match[2]! })
        text += match[2]
        last = match.index! + match[0].length
      }
      text += marked.slice(last)
      pages.push({ file, page: index + 1, text, spans })
    }
  }
  return pages
}
