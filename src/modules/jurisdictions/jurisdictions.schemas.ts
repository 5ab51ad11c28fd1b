import { z } from 'zod'
import { calendarDateSchema } from '../../http/schemas.js'
import { CLOCK_KINDS, CLOCK_STARTS } from '../deadlines/law-clocks.js'
import { DAY_TYPES } from './jurisdiction.js'

export const jurisdictionSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    lawName: z.string(),
    citation: z.string(),
    responseDays: z.number().int().nullable(),
    dayType: z.enum(DAY_TYPES).nullable(),
    extensionDays: z.number().int().nullable(),
    responseRuleText: z.string(),
    appealProcess: z.string(),
    feeNotes: z.string(),
    timezone: z.string(),
    clocks: z
      .array(
        z.object({
          kind: z.enum(CLOCK_KINDS),
          days: z.number().int().nullable(),
          dayType: z.enum(DAY_TYPES).nullable(),
          countedFrom: z.enum(CLOCK_STARTS),
          drivesDueDate: z.boolean().describe('A dated version of the response period (responseDays) rather than a clock of its own'),
          effectiveFrom: z.string().nullable(),
          effectiveTo: z.string().nullable(),
          citation: z.string(),
        }),
      )
      .describe(
        'Dated versions of the response period and the other clocks the law sets (acknowledgment, determination, extension limit, appeal window)',
      ),
  })
  .meta({ id: 'Jurisdiction' })

export const closureSchema = z
  .object({
    jurisdictionCode: z.string(),
    date: z.string(),
    reason: z.string(),
    source: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'JurisdictionClosure' })

export const createClosureBody = z.strictObject({
  date: calendarDateSchema,
  reason: z.string().trim().min(1).max(300),
  source: z
    .url({ protocol: /^https?$/ })
    .max(2_000)
    .optional()
    .describe('Where the closure is announced'),
})
export type CreateClosureInput = z.infer<typeof createClosureBody>

export const closureParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter USPS code or US')
    .transform((code) => code.toUpperCase()),
  date: calendarDateSchema,
})

export const jurisdictionCodeParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter USPS code or US')
    .transform((code) => code.toUpperCase()),
})
