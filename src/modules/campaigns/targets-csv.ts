/**
 * The campaign's targets as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they
 * hold a comma, quote or line break). A cell that a spreadsheet would read as a formula (starting
 * with =, +, -, @, tab or carriage return) gets a leading apostrophe: agency names come from imports.
 */
export const TARGET_CSV_COLUMNS = [
  'state',
  'agency',
  'city',
  'agency_id',
  'request_id',
  'status',
  'submitted_via',
  'submitted_at',
  'due_date',
  'overdue',
  'last_message_at',
  'document_count',
  'needs_contact',
  'request_url',
] as const

export type TargetCsvRow = Record<(typeof TARGET_CSV_COLUMNS)[number], string | number | boolean | null>

export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function targetsCsv(rows: readonly TargetCsvRow[]): string {
  const lines = [TARGET_CSV_COLUMNS.join(','), ...rows.map((row) => TARGET_CSV_COLUMNS.map((column) => csvCell(row[column])).join(','))]
  return `${lines.join('\r\n')}\r\n`
}
