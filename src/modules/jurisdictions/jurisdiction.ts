import type { LawClock } from '../deadlines/law-clocks.js'

export const DAY_TYPES = ['business', 'calendar'] as const
export type DayType = (typeof DAY_TYPES)[number]

/** A records law as seeded from data/records-laws.csv; `code` is the USPS code or `US`. */
export interface Jurisdiction {
  code: string
  name: string
  lawName: string
  citation: string
  /** Null when the law sets no fixed number of days ("promptly", "reasonable time"). */
  responseDays: number | null
  dayType: DayType | null
  extensionDays: number | null
  responseRuleText: string
  appealProcess: string
  feeNotes: string
  /** IANA time zone in which the jurisdiction's calendar days are counted. */
  timezone: string
  /** Dated versions of the response period and the law's other clocks (data/records-law-clocks.csv). */
  clocks: LawClock[]
}
