import { z } from 'zod'
import { SUBMISSION_CHANNELS, VISIBILITIES } from '../../db/schema/requests.js'
import { paginationQuery } from '../../http/pagination.js'
import { instantSchema, stateCodeSchema } from '../../http/schemas.js'
import { REQUEST_STATUSES } from '../requests/request-status.js'
import { requestAgencySchema } from '../requests/requests.schemas.js'

/** The most agencies one campaign writes to: every Ring partner (1,498) with room to grow. */
export const MAX_CAMPAIGN_TARGETS = 2_000
/** How far ahead the first letter of a campaign may be scheduled. */
export const MAX_SEND_AHEAD_DAYS = 30

const agencyIds = z
  .array(z.uuid())
  .min(1)
  .max(MAX_CAMPAIGN_TARGETS)
  .describe(`Agencies to write to (at most ${MAX_CAMPAIGN_TARGETS}); an id listed twice counts once`)

export const campaignTargetFilter = z
  .strictObject({
    state: stateCodeSchema.optional().describe('Two-letter USPS code of the state'),
    ringPartner: z.boolean().optional().describe('true: only Ring partners; false: only agencies that are not'),
    q: z.string().trim().min(1).max(200).optional().describe('Words that must each appear in the agency’s name or city'),
  })
  .describe('Selects agencies as GET /v1/agencies does; {} selects every agency')

export const createCampaignBody = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    templateSlug: z.string().min(1).max(100).describe('A request letter template (GET /v1/templates)'),
    variables: z.record(z.string().max(100), z.unknown()).optional().describe('The template’s variables, the same for every letter'),
    visibility: z.enum(VISIBILITIES).default('public').describe('private: only the organizer and administrators see the campaign'),
    agencyIds: agencyIds.optional(),
    targets: campaignTargetFilter.optional(),
  })
  .refine((body) => body.agencyIds !== undefined || body.targets !== undefined, {
    path: ['targets'],
    message: 'give targets (a filter), agencyIds, or both',
  })

export const addAgenciesBody = z.strictObject({ agencyIds })

export const submitCampaignBody = z
  .strictObject({
    via: z.enum(SUBMISSION_CHANNELS),
    sendAt: instantSchema
      .optional()
      .describe(`With via "email": when the first letter may leave (default now, at most ${MAX_SEND_AHEAD_DAYS} days ahead)`),
  })
  .refine((body) => body.sendAt === undefined || body.via === 'email', {
    path: ['sendAt'],
    message: 'only letters by email are scheduled',
  })

export const campaignParams = z.object({ id: z.uuid() })

const statusCounts = z.object({
  ...(Object.fromEntries(REQUEST_STATUSES.map((status) => [status, z.number().int()])) as Record<
    (typeof REQUEST_STATUSES)[number],
    z.ZodNumber
  >),
  overdue: z.number().int().describe('Past their due date and still open'),
})

export const campaignSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    templateSlug: z.string(),
    visibility: z.enum(VISIBILITIES),
    owner: z.object({ id: z.uuid(), name: z.string() }),
    createdAt: z.string(),
    targetCount: z.number().int(),
    needsContact: z
      .number()
      .int()
      .describe('Drafts whose agency has no approved email address: file them through the portal or by mail, or add the address first'),
    coverage: statusCounts.describe('Targets by their request’s status'),
    byState: z.array(
      z.object({
        state: z.string(),
        targets: z.number().int(),
        filed: z.number().int(),
        answered: z.number().int().describe('Partly or fully released, no records, denied, or appealed after an answer'),
        overdue: z.number().int(),
      }),
    ),
  })
  .meta({
    id: 'Campaign',
    description:
      'Counts cover the targets the caller may see: everyone sees a public campaign’s public requests; a request made private shows only to its requester and administrators',
  })

export const campaignTargetSchema = z
  .object({
    agency: requestAgencySchema,
    requestId: z.uuid().nullable().describe('Null while the request is a draft the caller may not open'),
    status: z.enum(REQUEST_STATUSES),
    submittedVia: z.enum(SUBMISSION_CHANNELS).nullable(),
    submittedAt: z.string().nullable(),
    dueDate: z.string().nullable(),
    overdue: z.boolean(),
    lastMessageAt: z.string().nullable(),
    documentCount: z.number().int(),
    needsContact: z.boolean().describe('A draft whose agency has no approved email address'),
  })
  .meta({ id: 'CampaignTarget' })

export const targetListQuery = z.object({
  status: z.enum(REQUEST_STATUSES).optional().describe('Only agencies whose request has this status'),
  state: stateCodeSchema.optional().describe('Only agencies of this state (two-letter USPS code)'),
  overdue: z.stringbool().optional().describe('true: only requests past their due date; false: only those that are not'),
  ...paginationQuery,
})

export const campaignListQuery = z.object({ ...paginationQuery })

export const submitCampaignResponse = z.object({
  submitted: z.number().int().describe('Drafts filed by this call'),
  needsContact: z
    .array(z.object({ agency: requestAgencySchema, requestId: z.uuid() }))
    .describe('With via "email": drafts left as they are because their agency has no approved email address'),
  letters: z
    .object({ first: z.string(), last: z.string(), perMinute: z.number() })
    .nullable()
    .describe('With via "email": when the first and last letters leave (CAMPAIGN_SEND_PER_MINUTE)'),
  campaign: campaignSchema,
})

export const holdCampaignResponse = z.object({
  held: z.number().int().describe('Requests whose letter had not left yet, now drafts again'),
  campaign: campaignSchema,
})

export type CreateCampaignInput = z.output<typeof createCampaignBody>
export type AddAgenciesInput = z.output<typeof addAgenciesBody>
export type SubmitCampaignInput = z.output<typeof submitCampaignBody>
export type TargetListQuery = z.output<typeof targetListQuery>
export type CampaignListQuery = z.output<typeof campaignListQuery>
export type CampaignView = z.output<typeof campaignSchema>
export type CampaignTargetView = z.output<typeof campaignTargetSchema>
