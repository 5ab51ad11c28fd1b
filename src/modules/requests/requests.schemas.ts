import { z } from 'zod'
import { AGENCY_KINDS } from '../../db/schema/agencies.js'
import { SUBMISSION_CHANNELS, VISIBILITIES } from '../../db/schema/requests.js'
import { paginationQuery } from '../../http/pagination.js'
import { calendarDateSchema, instantSchema, stateCodeSchema } from '../../http/schemas.js'
import { CLOCK_KINDS } from '../deadlines/law-clocks.js'
import { EVENT_TYPES, REQUEST_STATUSES, SYSTEM_EVENT_TYPES } from './request-status.js'

export const MAX_SUBJECT_LENGTH = 300
export const MAX_BODY_LENGTH = 50_000
export const MAX_NOTE_LENGTH = 10_000

export const deadlineSchema = z
  .object({
    dueDate: z.string().nullable(),
    rule: z.string(),
    countedFrom: z.string(),
    skipped: z.array(z.object({ date: z.string(), reason: z.string() })),
    pausedDays: z.number().int(),
    pausedSince: z.string().nullable().describe('Set while the clock is paused awaiting a fee or clarification'),
    running: z.enum(CLOCK_KINDS).optional().describe('Which of clocks dueDate and the fields above describe'),
    clocks: z
      .array(
        z.object({
          kind: z.enum(CLOCK_KINDS),
          dueDate: z
            .string()
            .nullable()
            .describe('Null until the clock starts (an acknowledgment or denial not yet logged) or while paused'),
          rule: z.string(),
          skipped: z.array(z.object({ date: z.string(), reason: z.string() })),
          running: z.boolean(),
        }),
      )
      .describe(
        'Every clock the law sets: the response period (response, acknowledgment or determination), a determination counted from the acknowledgment, the latest date an extension can reach (extension_limit), and the requester’s window to appeal a denial (appeal_window)',
      ),
  })
  .meta({ id: 'Deadline', description: 'How dueDate was reached, to quote to a records officer; dueDate is the running clock’s' })

export const requestAgencySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  state: z.string(),
  city: z.string().nullable(),
  kind: z.enum(AGENCY_KINDS),
  email: z.string().nullable(),
  portalUrl: z.string().nullable(),
  mailingAddress: z.string().nullable(),
  emailApproved: z.boolean().describe('Whether an administrator approved the address; only approved addresses are emailed'),
})

export const requestSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(REQUEST_STATUSES),
    agency: requestAgencySchema,
    templateSlug: z.string(),
    subject: z.string(),
    body: z.string(),
    visibility: z.enum(VISIBILITIES),
    submittedVia: z.enum(SUBMISSION_CHANNELS).nullable(),
    submittedAt: z.string().nullable(),
    dueDate: z.string().nullable(),
    overdue: z.boolean().describe('Past the statutory due date (never for an expected-response date)'),
    promptResponseDays: z
      .number()
      .int()
      .nullable()
      .describe('Under a law with no fixed period: business days to expect an answer in, set by the requester (null: the service default)'),
    expectedResponse: z
      .object({
        date: z.string().describe('YYYY-MM-DD; reminders count to it'),
        businessDays: z.number().int(),
        chosenByRequester: z.boolean(),
        statutory: z.literal(false).describe('Always false: this is an expectation, not a deadline the law sets'),
        explanation: z.string(),
      })
      .nullable()
      .describe(
        'Only for an open request under a law that sets no fixed period (“promptly”): when to expect an answer. dueDate stays null',
      ),
    deadline: deadlineSchema.nullable(),
    trackingNumber: z.string().nullable(),
    autoFollowUp: z.boolean(),
    remindersMuted: z.boolean().describe('No reminder emails to the requester for this request'),
    replyAddress: z
      .string()
      .describe(
        'The request’s own email address: letters to the agency come from it, and the agency’s answers to it join the request’s thread',
      ),
    reference: z
      .string()
      .describe(
        'Short stable reference, e.g. "RR-8F3K2Q", at the end of the subject of every email to the agency ("… [RR-8F3K2Q]"), so a reply that lost its headers still finds the request',
      ),
    allowedEvents: z.array(z.enum(EVENT_TYPES)).describe('Events the status machine allows now'),
    lastMessageAt: z
      .string()
      .nullable()
      .describe('When the newest message of the thread with the agency was sent or received; null without messages'),
    unreadMessages: z
      .number()
      .int()
      .describe('Messages from the agency the requester has not read yet (POST /v1/requests/{id}/messages/read marks them read)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Request' })

export const createRequestBody = z.strictObject({
  agencyId: z.uuid(),
  templateSlug: z.string().min(1).max(100),
  variables: z.record(z.string().max(100), z.unknown()).optional(),
  visibility: z.enum(VISIBILITIES).default('public'),
})

export const updateRequestBody = z
  .strictObject({
    subject: z.string().trim().min(1).max(MAX_SUBJECT_LENGTH).optional(),
    body: z.string().min(1).max(MAX_BODY_LENGTH).optional(),
    visibility: z.enum(VISIBILITIES).optional(),
    trackingNumber: z.string().trim().max(200).nullable().optional(),
    autoFollowUp: z.boolean().optional(),
    remindersMuted: z.boolean().optional(),
    promptResponseDays: z
      .number()
      .int()
      .min(1)
      .max(60)
      .nullable()
      .optional()
      .describe('Under a law with no fixed period: business days to expect an answer in (null: the service default); reminders follow it'),
    variables: z
      .record(z.string().max(100), z.unknown())
      .optional()
      .describe('Drafts only: renders the letter again from its template with these variables, replacing subject and body'),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field')

export const submitRequestBody = z.strictObject({
  via: z.enum(SUBMISSION_CHANNELS),
  submittedAt: instantSchema.optional().describe('Defaults to now; may lie in the past for a request filed before it was tracked here'),
})

/** How many drafts one bulk submission may file. */
export const MAX_BULK_SUBMIT = 1_000

export const bulkSubmitBody = z.strictObject({
  ids: z
    .array(z.uuid())
    .min(1)
    .max(MAX_BULK_SUBMIT)
    .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, 'must not list a request twice')
    .describe('Drafts to file, each the caller’s own (admins: anyone’s)'),
  ...submitRequestBody.shape,
})

export const bulkSubmitResponse = z.object({ items: z.array(requestSchema) })

export const requestParams = z.object({ id: z.uuid() })

export const requestListQuery = z.object({
  status: z.enum(REQUEST_STATUSES).optional().describe('Only requests in this status'),
  agencyId: z.uuid().optional().describe('Only requests to this agency'),
  state: stateCodeSchema.optional().describe('Only requests to agencies of this state (two-letter USPS code)'),
  overdue: z.stringbool().optional().describe('true: only requests past their due date; false: only those that are not'),
  ...paginationQuery,
})

export const createEventBody = z
  .strictObject({
    type: z.enum(EVENT_TYPES),
    occurredAt: instantSchema.optional(),
    note: z.string().max(MAX_NOTE_LENGTH).optional(),
    extensionDays: z.number().int().min(1).max(365).optional(),
    newDueDate: calendarDateSchema.optional(),
    amount: z.number().min(0).max(1_000_000_000).multipleOf(0.01).optional(),
  })
  .superRefine(
    (event, issues) => {
      const fail = (path: string, message: string) => issues.addIssue({ code: 'custom', path: [path], message })
      if (event.type === 'extended' && (event.extensionDays === undefined) === (event.newDueDate === undefined)) {
        fail('extensionDays', 'an extension needs exactly one of extensionDays or newDueDate')
      }
      if (event.extensionDays !== undefined && event.type !== 'extended')
        fail('extensionDays', 'only an "extended" event carries extensionDays')
      if (event.newDueDate !== undefined && event.type !== 'extended' && event.type !== 'appealed') {
        fail('newDueDate', 'only "extended" and "appealed" events carry newDueDate')
      }
      if (event.amount !== undefined && event.type !== 'fee_requested' && event.type !== 'fee_paid') {
        fail('amount', 'only "fee_requested" and "fee_paid" events carry an amount')
      }
      // Runs even when other fields failed, so one answer lists every problem; it only compares values.
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )

export const eventSchema = z
  .object({
    id: z.uuid(),
    type: z.enum([...SYSTEM_EVENT_TYPES, ...EVENT_TYPES]),
    occurredAt: z.string(),
    note: z.string().nullable(),
    extensionDays: z.number().int().nullable(),
    newDueDate: z.string().nullable(),
    amount: z.number().nullable(),
    statusBefore: z.enum(REQUEST_STATUSES).nullable(),
    statusAfter: z.enum(REQUEST_STATUSES),
    dueDateAfter: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'RequestEvent' })

export type CreateRequestInput = z.output<typeof createRequestBody>
export type UpdateRequestInput = z.output<typeof updateRequestBody>
export type SubmitRequestInput = z.output<typeof submitRequestBody>
export type BulkSubmitInput = z.output<typeof bulkSubmitBody>
export type CreateEventInput = z.output<typeof createEventBody>
export type RequestListQuery = z.output<typeof requestListQuery>
