import { z } from 'zod'
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
  })
  .meta({ id: 'Jurisdiction' })

export const jurisdictionCodeParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter USPS code or US')
    .transform((code) => code.toUpperCase()),
})
