/**
 * Tables as page text: a row is its cells joined by " | " (so a search or a redaction never runs
 * from one cell into the next), a sheet is a page of its own, headed by its name, and continues on
 * further pages when longer than TEXT_PAGE_CHARS; a CSV table has pages of about OFFICE_PAGE_CHARS.
 */
import { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import type { StoppedAt } from '../../adapters/office/office-readers.js'
import type { CsvDelimiter } from './file-types.js'
import { cleanPageText, OFFICE_PAGE_CHARS, paginateText, TEXT_PAGE_CHARS } from './page-text.js'

export const CELL_SEPARATOR = ' | '

export function rowsText(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map((cell) => cell.replace(/\s+/g, ' ').trim()).join(CELL_SEPARATOR)).join('\n')
}

/** A sheet's pages, each starting with "Sheet: <name>". */
export function sheetPages(name: string, rows: readonly (readonly string[])[]): string[] {
  return paginateText(rowsText(rows), TEXT_PAGE_CHARS).map((page) => cleanPageText(`Sheet: ${name}\n${page}`))
}

export function csvPages(rows: readonly (readonly string[])[]): string[] {
  return paginateText(rowsText(rows), OFFICE_PAGE_CHARS)
}

/**
 * The records of a CSV text, until `maxCells` cells have been read or the `deadline` (epoch ms) has
 * passed (then it says which). Quotes are read leniently and rows may differ in length: an
 * agency's export is kept as it is, never refused for a stray quote.
 */
export async function csvRows(
  text: string,
  delimiter: CsvDelimiter,
  limits: { maxCells: number; deadline: number },
): Promise<{ rows: string[][]; stopped: StoppedAt }> {
  const parser = Readable.from([text]).pipe(
    parse({ delimiter, bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true }),
  )
  const rows: string[][] = []
  let cells = 0
  for await (const record of parser as AsyncIterable<string[]>) {
    const row = [...record]
    while (row.length > 0 && row.at(-1)!.trim() === '') row.pop()
    if (row.length === 0) continue
    cells += row.length
    const stopped = cells > limits.maxCells ? 'cells' : Date.now() > limits.deadline ? 'time' : null
    if (stopped) {
      parser.destroy()
      return { rows, stopped }
    }
    rows.push(row)
  }
  return { rows, stopped: null }
}
