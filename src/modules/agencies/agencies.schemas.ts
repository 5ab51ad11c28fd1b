import { z } from 'zod'
import { AGENCY_KINDS, DATE_PRECISIONS } from '../../db/schema/agencies.js'
import { paginationQuery } from '../../http/pagination.js'
import { calendarDateSchema } from '../../http/schemas.js'
import { agencyFields, partnerSince } from './agency-fields.js'

export const closureSchema = z.object({
  date: calendarDateSchema,
  reason: z.string().trim().min(1).max(200),
})

export const agencySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    state: z.string(),
    city: z.string().nullable(),
    county: z.string().nullable(),
    kind: z.enum(AGENCY_KINDS),
    email: z.string().nullable(),
    emailApproved: z
      .boolean()
      .describe(
        'Whether an administrator approved this address. Letters and follow-ups are emailed only to approved addresses; an address a member gives waits for an administrator',
      ),
    portalUrl: z.string().nullable(),
    mailingAddress: z.string().nullable(),
    phone: z.string().nullable(),
    ringPartner: z.boolean(),
    ringPartnerSince: z.string().nullable().describe('YYYY-MM-DD; see ringPartnerSincePrecision'),
    ringPartnerSincePrecision: z.enum(DATE_PRECISIONS).nullable().describe('"month" when the source gives only the month'),
    closures: z.array(closureSchema).describe('Office closure days beyond the state’s legal holidays; they stop business-day clocks'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Agency' })

export const agencyListQuery = z.object({
  state: agencyFields.state.optional().describe('Two-letter USPS code of the state'),
  q: z.string().trim().max(200).optional().describe('Words that must each appear in the name or the city'),
  ringPartner: z.stringbool().optional().describe('true: only Ring partners; false: only agencies that are not'),
  emailPending: z.stringbool().optional().describe('Administrators only: true lists the agencies whose address waits for approval'),
  ...paginationQuery,
})

export const agencyParams = z.object({ id: z.uuid() })

const editableFields = {
  city: agencyFields.city,
  county: agencyFields.county,
  email: agencyFields.email,
  portalUrl: agencyFields.portalUrl,
  mailingAddress: agencyFields.mailingAddress,
  phone: agencyFields.phone,
  ringPartnerSince: partnerSince.nullish(),
}

export const createAgencyBody = z.strictObject({
  name: agencyFields.name,
  state: agencyFields.state,
  kind: agencyFields.kind,
  ringPartner: agencyFields.ringPartner.default(false),
  ...editableFields,
})

export const updateAgencyBody = z
  .strictObject({
    name: agencyFields.name.optional(),
    kind: agencyFields.kind.optional(),
    ringPartner: agencyFields.ringPartner.optional(),
    closures: z.array(closureSchema).max(366).optional().describe('Replaces the agency’s closure days'),
    emailApproved: z
      .boolean()
      .optional()
      .describe(
        'true approves the address (the current one, or the one given with it); false withdraws approval. An address an administrator sets is approved unless this is false',
      ),
    ...editableFields,
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field')

export const importResponse = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  rejected: z.array(z.object({ line: z.number().int(), reasons: z.array(z.string()) })),
})

export type CreateAgencyInput = z.output<typeof createAgencyBody>
export type UpdateAgencyInput = z.output<typeof updateAgencyBody>

const proportion = z.object({
  rate: z.number().min(0).max(1),
  low: z.number().min(0).max(1).describe('Wilson 95% interval, lower bound'),
  high: z.number().min(0).max(1).describe('Wilson 95% interval, upper bound'),
  n: z.number().int().describe('Answered requests with a statutory due date'),
})

export const agencyStatisticsSchema = z
  .object({
    requests: z.number().int().describe('Public requests to the agency (filed ones: drafts are not public)'),
    filed: z.number().int(),
    answered: z.number().int().describe('Filed requests with a final answer: fulfilled, no records, or rejected'),
    waitingForFirstResponse: z.number().int().describe('Filed requests with no response yet; counted in the medians as still waiting'),
    medianDaysToFirstResponse: z
      .number()
      .nullable()
      .describe(
        'Kaplan–Meier median in calendar days, open requests counted as still waiting (censored); null when over half still wait or fewer than 5 were filed',
      ),
    medianDaysToCompletion: z.number().nullable().describe('Kaplan–Meier median to a final answer, as above'),
    onTime: proportion
      .nullable()
      .describe('Share of final answers by the statutory due date (extensions included), with a Wilson 95% interval; null below 5'),
  })
  .meta({ id: 'AgencyStatistics' })
