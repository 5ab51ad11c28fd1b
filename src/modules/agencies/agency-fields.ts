import { z } from 'zod'
import { AGENCY_KINDS } from '../../db/schema/agencies.js'
import { calendarDateSchema, stateCodeSchema } from '../../http/schemas.js'

// Zero-width and bidirectional marks that the source data carries around some names.
const INVISIBLE_MARKS = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g

/** Trims, drops invisible marks, folds typographic apostrophes and inner runs of spaces. */
export function cleanText(value: string): string {
  return value
    .normalize('NFC')
    .replace(INVISIBLE_MARKS, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
}

/** The key that makes an agency unique: state, and name and city without regard to case. */
export function agencyIdentityKey(agency: { state: string; name: string; city?: string | null }): string {
  return `${agency.state}|${agency.name.toLowerCase()}|${(agency.city ?? '').toLowerCase()}`
}

const text = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform(cleanText)
    .pipe(z.string().min(1).max(max))

/** Cleans each line of an address but keeps the line breaks a letter needs. */
export function cleanLines(value: string): string {
  return value
    .split(/\r\n?|\n/)
    .map(cleanText)
    .filter(Boolean)
    .join('\n')
}

const optionalLines = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform(cleanLines)
    .pipe(z.string().max(max))
    .transform((value) => (value === '' ? null : value))
    .nullish()

const optionalText = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform(cleanText)
    .pipe(z.string().max(max))
    .transform((value) => (value === '' ? null : value))
    .nullish()

/** `YYYY-MM-DD`, or `YYYY-MM` when only the month is known (stored as the 1st with precision "month"). */
export const partnerSince = z
  .string()
  .regex(/^\d{4}-\d{2}(-\d{2})?$/, 'must be YYYY-MM-DD or YYYY-MM')
  .refine((value) => calendarDateSchema.safeParse(monthStart(value)).success, 'is not a real date between 1900 and 2199')
  .transform((value) => ({ date: monthStart(value), precision: value.length === 7 ? ('month' as const) : ('day' as const) }))

function monthStart(value: string): string {
  return value.length === 7 ? `${value}-01` : value
}

/** Fields a caller may set on an agency; shared by the JSON API and the CSV import. */
export const agencyFields = {
  name: text(300),
  state: stateCodeSchema,
  city: optionalText(200),
  county: optionalText(200),
  kind: z.enum(AGENCY_KINDS),
  email: z
    .string()
    .trim()
    .max(254)
    .transform((value) => (value === '' ? null : value))
    .pipe(z.email().nullable())
    .nullish(),
  portalUrl: z
    .string()
    .trim()
    .max(2000)
    .transform((value) => (value === '' ? null : value))
    .pipe(z.url({ protocol: /^https?$/ }).nullable())
    .nullish(),
  mailingAddress: optionalLines(1000),
  phone: optionalText(50),
  ringPartner: z.boolean(),
}
