import { sql } from 'drizzle-orm'
import { check, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core'
import type { LawClock } from '../../modules/deadlines/law-clocks.js'
import { DAY_TYPES } from '../../modules/jurisdictions/jurisdiction.js'
import { inList } from './columns.js'

export const jurisdictions = pgTable(
  'jurisdictions',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    lawName: text('law_name').notNull(),
    citation: text('citation').notNull(),
    responseDays: integer('response_days'),
    dayType: text('day_type', { enum: DAY_TYPES }),
    extensionDays: integer('extension_days'),
    responseRuleText: text('response_rule_text').notNull(),
    appealProcess: text('appeal_process').notNull(),
    feeNotes: text('fee_notes').notNull(),
    timezone: text('timezone').notNull(),
    sources: text('sources').notNull(),
    notes: text('notes').notNull(),
    /** Dated response periods and the law's other clocks, from data/records-law-clocks.csv. */
    clocks: jsonb('clocks').$type<LawClock[]>().notNull().default([]),
  },
  () => [
    check('jurisdictions_day_type_check', sql.raw(`day_type is null or day_type in (${inList(DAY_TYPES)})`)),
    check('jurisdictions_code_check', sql`code ~ '^[A-Z]{2}$'`),
  ],
)
