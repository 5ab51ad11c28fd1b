import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import type { AGENCY_KINDS } from '../../db/schema/agencies.js'
import { agencyFields, agencyIdentityKey, cleanText, partnerSince } from './agency-fields.js'

export const MAX_IMPORT_ROWS = 10_000

/** Accepted header names (case and punctuation insensitive) for each field. */
const HEADER_ALIASES: Record<string, string> = {
  name: 'name',
  agencyname: 'name',
  state: 'state',
  city: 'city',
  county: 'county',
  kind: 'kind',
  agencytype: 'kind',
  type: 'kind',
  email: 'email',
  portalurl: 'portalUrl',
  portal: 'portalUrl',
  mailingaddress: 'mailingAddress',
  address: 'mailingAddress',
  phone: 'phone',
  ringpartner: 'ringPartner',
  ringpartnersince: 'ringPartnerSince',
  joineddate: 'ringPartnerSince',
  atlasid: 'atlasId',
}

const KIND_WORDS: Record<string, (typeof AGENCY_KINDS)[number]> = {
  police: 'police',
  'police department': 'police',
  sheriff: 'sheriff',
  "sheriff's office": 'sheriff',
  city: 'city',
  municipal: 'city',
  county: 'county',
  state: 'state',
  'state police': 'state',
}

const truthy = new Set(['true', 'yes', 'y', '1'])
const falsy = new Set(['false', 'no', 'n', '0'])

const csvRow = z.object({
  name: agencyFields.name,
  state: agencyFields.state,
  city: agencyFields.city,
  county: agencyFields.county,
  // An empty or missing cell says nothing (null: an existing agency keeps its kind); a word we do not know is "other".
  kind: z
    .string()
    .optional()
    .transform((value) => cleanText(value ?? '').toLowerCase())
    .transform((value) => (value === '' ? null : (KIND_WORDS[value] ?? 'other'))),
  email: agencyFields.email,
  portalUrl: agencyFields.portalUrl,
  mailingAddress: agencyFields.mailingAddress,
  phone: agencyFields.phone,
  ringPartner: z
    .string()
    .optional()
    .refine(
      (value) =>
        value === undefined || value.trim() === '' || truthy.has(value.trim().toLowerCase()) || falsy.has(value.trim().toLowerCase()),
      'must be true or false',
    )
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : truthy.has(value.trim().toLowerCase()))),
  ringPartnerSince: z
    .string()
    .optional()
    .transform((value) => cleanText(value ?? ''))
    .pipe(z.union([z.literal('').transform(() => null), partnerSince])),
  atlasId: z
    .string()
    .optional()
    .transform((value) => cleanText(value ?? '') || null),
})

export type AgencyImportRow = z.output<typeof csvRow> & { line: number }
export interface RejectedRow {
  line: number
  reasons: string[]
}

export interface ParsedAgencyCsv {
  rows: AgencyImportRow[]
  rejected: RejectedRow[]
}

export class AgencyCsvError extends Error {}

/**
 * Parses an agency CSV (our own columns or the EFF Atlas export's). Rows that fail validation are
 * rejected with reasons; rows naming the same agency twice are merged, keeping the earliest
 * Ring partnership date (the Atlas lists a few agencies twice).
 */
export function parseAgencyCsv(text: string, defaults: { ringPartner?: boolean } = {}): ParsedAgencyCsv {
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false })
  } catch (error) {
    throw new AgencyCsvError(`The CSV could not be read: ${(error as Error).message}`)
  }
  const [header, ...body] = records
  if (!header) throw new AgencyCsvError('The CSV is empty; it needs a header row.')
  if (body.length > MAX_IMPORT_ROWS)
    throw new AgencyCsvError(`The CSV has ${body.length} rows; at most ${MAX_IMPORT_ROWS} are taken at once.`)
  const fields = header.map(
    (name) =>
      HEADER_ALIASES[
        cleanText(name)
          .toLowerCase()
          .replace(/[^a-z]/g, '')
      ],
  )
  for (const required of ['name', 'state']) {
    if (!fields.includes(required)) throw new AgencyCsvError(`The header row has no "${required}" column.`)
  }

  const byIdentity = new Map<string, AgencyImportRow>()
  const rejected: RejectedRow[] = []
  body.forEach((record, index) => {
    const line = index + 2
    const raw: Record<string, string> = {}
    fields.forEach((field, column) => {
      if (field && record[column] !== undefined) raw[field] = record[column]
    })
    const parsed = csvRow.safeParse(raw)
    if (!parsed.success) {
      rejected.push({ line, reasons: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`) })
      return
    }
    const row: AgencyImportRow = { ...parsed.data, ringPartner: parsed.data.ringPartner ?? defaults.ringPartner, line }
    const key = agencyIdentityKey(row)
    const earlier = byIdentity.get(key)
    byIdentity.set(key, earlier ? mergeDuplicate(earlier, row) : row)
  })
  return { rows: [...byIdentity.values()], rejected }
}

function mergeDuplicate(earlier: AgencyImportRow, later: AgencyImportRow): AgencyImportRow {
  const merged = { ...earlier }
  for (const [key, value] of Object.entries(later) as [keyof AgencyImportRow, unknown][]) {
    if (value !== null && value !== undefined && key !== 'line') (merged as Record<string, unknown>)[key] = value
  }
  const dates = [earlier.ringPartnerSince, later.ringPartnerSince].filter((since) => since !== null)
  merged.ringPartnerSince = dates.sort((a, b) => a.date.localeCompare(b.date))[0] ?? null
  return merged
}

/**
 * Column values for an imported row, as a new agency would get them: `ringPartner` falls back to
 * false and `kind` to "other" for rows that do not say (an existing agency keeps its own: see
 * upsertAgencies).
 */
export function toAgencyValues(row: AgencyImportRow) {
  const { line: _line, ringPartnerSince, ringPartner, kind, ...fields } = row
  return {
    ...fields,
    kind: kind ?? ('other' as const),
    ringPartner: ringPartner ?? false,
    ringPartnerSince: ringPartnerSince?.date ?? null,
    ringPartnerSincePrecision: ringPartnerSince?.precision ?? null,
    identityKey: agencyIdentityKey(fields),
  }
}
