import { z } from 'zod'
import { CONTACT_CHANGE_SOURCES, CONTACT_FIELDS } from '../../db/schema/agency-contact-changes.js'
import { SUGGESTION_SOURCES, SUGGESTION_STATUSES } from '../../db/schema/agency-suggestions.js'
import { paginationQuery } from '../../http/pagination.js'
import { agencyFields, cleanLines } from './agency-fields.js'

const MAX_NOTE = 2000

export const suggestionBody = z
  .strictObject({
    email: agencyFields.email,
    portalUrl: agencyFields.portalUrl,
    mailingAddress: agencyFields.mailingAddress,
    phone: agencyFields.phone,
    note: z
      .string()
      .max(MAX_NOTE * 4)
      .transform(cleanLines)
      .pipe(z.string().max(MAX_NOTE))
      .optional()
      .describe('Where the contact comes from (a page of the agency’s site, a letter), so an administrator can check it'),
  })
  .refine(
    (body) => [body.email, body.portalUrl, body.mailingAddress, body.phone].some((value) => value !== null && value !== undefined),
    'must suggest at least one of email, portalUrl, mailingAddress, phone',
  )

const person = z.object({ id: z.uuid(), name: z.string() }).nullable()
const contacts = {
  email: z.string().nullable(),
  portalUrl: z.string().nullable(),
  mailingAddress: z.string().nullable(),
  phone: z.string().nullable(),
}

export const suggestionSchema = z
  .object({
    id: z.uuid(),
    agency: z.object({ id: z.uuid(), name: z.string(), state: z.string() }),
    status: z.enum(SUGGESTION_STATUSES),
    source: z.enum(SUGGESTION_SOURCES).describe('member: someone suggested it; reply: the agency replied to a request from this address'),
    ...contacts,
    note: z.string().nullable(),
    current: z.object(contacts).describe('The agency’s contacts now, to compare with'),
    suggestedBy: person,
    messageId: z.uuid().nullable().describe('The reply a suggestion from a reply was drawn from'),
    createdAt: z.iso.datetime(),
    reviewedBy: person,
    reviewedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'AgencySuggestion' })

export const suggestionListQuery = z.object({
  status: z.enum(SUGGESTION_STATUSES).optional().describe('pending: the review queue; accepted or rejected: reviewed ones'),
  agencyId: z.uuid().optional().describe('Only the suggestions for this agency'),
  ...paginationQuery,
})

export const suggestionParams = z.object({ id: z.uuid() })

export const contactChangeSchema = z
  .object({
    id: z.uuid(),
    field: z.enum(CONTACT_FIELDS),
    oldValue: z.string().nullable(),
    newValue: z.string().nullable(),
    source: z.enum(CONTACT_CHANGE_SOURCES),
    suggestionId: z.uuid().nullable(),
    changedAt: z.iso.datetime(),
  })
  .meta({ id: 'AgencyContactChange' })

export const contactHistoryQuery = z.object(paginationQuery)

export type SuggestionInput = z.output<typeof suggestionBody>
