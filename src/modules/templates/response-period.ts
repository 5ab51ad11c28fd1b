import type { Jurisdiction } from '../jurisdictions/jurisdiction.js'

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
] as const
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'] as const

/**
 * A whole number from 0 to 999,999 in English words, as letters write periods out:
 * 5 → "five", 45 → "forty-five", 120 → "one hundred twenty".
 */
export function numberToWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999_999) {
    throw new RangeError(`numberToWords: expected an integer from 0 to 999999, got ${n}`)
  }
  if (n < 20) return ONES[n] as string
  if (n < 100) {
    const tens = TENS[Math.floor(n / 10)] as string
    return n % 10 === 0 ? tens : `${tens}-${ONES[n % 10]}`
  }
  if (n < 1000) {
    const hundreds = `${ONES[Math.floor(n / 100)]} hundred`
    return n % 100 === 0 ? hundreds : `${hundreds} ${numberToWords(n % 100)}`
  }
  const thousands = `${numberToWords(Math.floor(n / 1000))} thousand`
  return n % 1000 === 0 ? thousands : `${thousands} ${numberToWords(n % 1000)}`
}

/**
 * The law's response period in words ("five business days", "ten calendar days", "one business
 * day"), or null when the law sets no fixed number of days ("promptly", "reasonable time").
 */
export function describeResponsePeriod(jurisdiction: Pick<Jurisdiction, 'responseDays' | 'dayType'>): string | null {
  const { responseDays, dayType } = jurisdiction
  if (responseDays === null || dayType === null) return null
  return `${numberToWords(responseDays)} ${dayType} ${responseDays === 1 ? 'day' : 'days'}`
}
