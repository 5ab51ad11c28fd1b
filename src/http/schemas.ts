import { z } from 'zod'

// Dates outside these years are typing mistakes, and JavaScript and PostgreSQL disagree about them.
const EARLIEST_YEAR = 1900
const LATEST_YEAR = 2199

export function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}

function inYearRange(year: number): boolean {
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR
}

/** A legal day, `YYYY-MM-DD`. */
export const calendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine(isRealDate, 'is not a real date')
  .refine((value) => inYearRange(Number(value.slice(0, 4))), `must lie between ${EARLIEST_YEAR} and ${LATEST_YEAR}`)

/** An ISO 8601 instant with a time zone offset, as a Date. */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .refine((date) => inYearRange(date.getUTCFullYear()), `must lie between ${EARLIEST_YEAR} and ${LATEST_YEAR}`)

/** A state's two-letter USPS code, in any case, as upper case. */
export const stateCodeSchema = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be a two-letter USPS code')
  .transform((code) => code.toUpperCase())
