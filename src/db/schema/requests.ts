import { sql } from 'drizzle-orm'
import { boolean, check, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { Deadline } from '../../modules/deadlines/deadline.js'
import { REQUEST_STATUSES } from '../../modules/requests/request-status.js'
import { agencies } from './agencies.js'
import { id, inList, updatedAt } from './columns.js'
import { users } from './users.js'

export const VISIBILITIES = ['public', 'private'] as const
export const SUBMISSION_CHANNELS = ['email', 'portal', 'mail', 'fax', 'in_person'] as const

export const requests = pgTable(
  'requests',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id),
    templateSlug: text('template_slug').notNull(),
    variables: jsonb('variables').$type<Record<string, string>>().notNull().default({}),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    visibility: text('visibility', { enum: VISIBILITIES }).notNull().default('public'),
    status: text('status', { enum: REQUEST_STATUSES }).notNull().default('draft'),
    submittedVia: text('submitted_via', { enum: SUBMISSION_CHANNELS }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    dueDate: date('due_date', { mode: 'string' }),
    deadline: jsonb('deadline').$type<Deadline>(),
    trackingNumber: text('tracking_number'),
    autoFollowUp: boolean('auto_follow_up').notNull().default(false),
    remindersMuted: boolean('reminders_muted').notNull().default(false),
    /** Under a law with no fixed period: business days the requester expects an answer in (null: PROMPT_RESPONSE_BUSINESS_DAYS). */
    promptResponseDays: integer('prompt_response_days'),
    /**
     * Under a law with no fixed period, the expected-response date (deadlines/prompt-response.ts) the
     * reminders count to; kept by syncReminders, which has the agency's calendar. Never statutory.
     */
    expectedResponseOn: date('expected_response_on', { mode: 'string' }),
    /** Secret in the one-click mute link of reminder emails (not the reply key: agencies see that). */
    muteToken: text('mute_token').notNull().default(sql`replace(gen_random_uuid()::text, '-', '')`),
    /** Local part of the request's reply address (`<replyKey>@REPLY_DOMAIN`). */
    replyKey: text('reply_key').notNull().unique('requests_reply_key_key'),
    /**
     * Short stable reference ("RR-8F3K2Q", see correspondence/request-reference.ts) in the subject of
     * every email to the agency. request_reference() (migration request_reference) draws an unused one.
     */
    reference: text('reference').notNull().unique('requests_reference_key').default(sql`request_reference()`),
    /** Kept by the messages triggers (migration message_counters): the newest message's time, and inbound messages not yet read. */
    lastMessageAt: timestamp('last_message_at', { withTimezone: true, precision: 3 }),
    unreadMessages: integer('unread_messages').notNull().default(0),
    // Millisecond precision, as JavaScript dates carry: the list's keyset cursor compares it exactly.
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('requests_user_created_idx').on(table.userId, table.createdAt, table.id),
    index('requests_created_idx').on(table.createdAt, table.id),
    index('requests_agency_id_idx').on(table.agencyId),
    index('requests_status_idx').on(table.status),
    index('requests_due_date_idx').on(table.dueDate),
    check('requests_status_check', sql.raw(`status in (${inList(REQUEST_STATUSES)})`)),
    check('requests_visibility_check', sql.raw(`visibility in (${inList(VISIBILITIES)})`)),
    check('requests_prompt_response_days_check', sql`prompt_response_days is null or prompt_response_days between 1 and 60`),
    check('requests_reference_check', sql`reference ~ '^RR-[0-9A-HJKMNP-TV-Z]{5,8}$'`),
    check('requests_submitted_via_check', sql.raw(`submitted_via is null or submitted_via in (${inList(SUBMISSION_CHANNELS)})`)),
  ],
)
