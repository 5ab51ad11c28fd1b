import { and, asc, desc, eq, lt, notInArray, or, type SQL, sql } from 'drizzle-orm'
import { clientOf, type Executor, inUuids, preparedPer } from '../../db/client.js'
import { agencies, deliveries, jurisdictions, messages, requestEvents, requests } from '../../db/schema/index.js'
import { CLOSED_STATUSES, type RequestStatus } from './request-status.js'

export type RequestRow = typeof requests.$inferSelect
export type RequestEventRow = typeof requestEvents.$inferSelect
export type AgencySummary = Pick<
  typeof agencies.$inferSelect,
  'id' | 'name' | 'state' | 'city' | 'kind' | 'email' | 'portalUrl' | 'mailingAddress'
> & { emailApproved: boolean }
export interface RequestWithAgency {
  request: RequestRow
  agency: AgencySummary
  timezone: string
}

/** True while the agency's address is the one an administrator approved. */
export const emailApprovedColumn = sql<boolean>`coalesce(${agencies.email} = ${agencies.approvedEmail}, false)`

const withAgencyColumns = {
  request: requests,
  agency: {
    id: agencies.id,
    name: agencies.name,
    state: agencies.state,
    city: agencies.city,
    kind: agencies.kind,
    email: agencies.email,
    portalUrl: agencies.portalUrl,
    mailingAddress: agencies.mailingAddress,
    emailApproved: emailApprovedColumn,
  },
  timezone: jurisdictions.timezone,
}

function selectWithAgency(db: Executor) {
  return db
    .select(withAgencyColumns)
    .from(requests)
    .innerJoin(agencies, eq(agencies.id, requests.agencyId))
    .innerJoin(jurisdictions, eq(jurisdictions.code, agencies.state))
}

const findRequestQuery = preparedPer((db) =>
  selectWithAgency(db)
    .where(eq(requests.id, sql.placeholder('id')))
    .prepare('find_request_with_agency'),
)

export async function findRequest(db: Executor, id: string): Promise<RequestWithAgency | null> {
  const [row] = await findRequestQuery(db).execute({ id })
  return row ?? null
}

/** These requests with their agencies, in the order of `ids` (unknown ids are left out). */
export async function findRequests(db: Executor, ids: readonly string[]): Promise<RequestWithAgency[]> {
  if (ids.length === 0) return []
  const rows = await selectWithAgency(db).where(inUuids(requests.id, ids))
  const byId = new Map(rows.map((row) => [row.request.id, row]))
  return ids.flatMap((id) => byId.get(id.toLowerCase()) ?? [])
}

/** Locks the request row for the rest of the transaction so status changes apply one at a time. */
export async function lockRequest(db: Executor, id: string): Promise<RequestRow | null> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id)).for('update')
  return row ?? null
}

/** lockRequest without reading the row back: plain SQL, prepared (see clientOf), for ingest. */
export async function holdRequestLock(db: Executor, id: string): Promise<void> {
  await clientOf(db)`select 1 from requests where id = ${id}::uuid for update`
}

export interface RequestFilter {
  userId?: string
  status?: RequestStatus
  agencyId?: string
  state?: string
  overdueAt?: { now: Date; overdue: boolean }
  before?: readonly [string, string]
  limit: number
}

/** Whether a request is past its due date at `now` in its agency's time zone (needs requests joined with jurisdictions). */
export function overdueAt(now: Date): SQL<boolean> {
  return sql<boolean>`(${requests.dueDate} < (${now.toISOString()}::timestamptz at time zone ${jurisdictions.timezone})::date
      and ${notInArray(requests.status, [...CLOSED_STATUSES, 'draft'])})`
}

/** Newest first, keyset-paginated on (createdAt, id). */
export async function listRequests(db: Executor, filter: RequestFilter): Promise<RequestWithAgency[]> {
  const conditions: SQL[] = []
  if (filter.userId) conditions.push(eq(requests.userId, filter.userId))
  if (filter.status) conditions.push(eq(requests.status, filter.status))
  if (filter.agencyId) conditions.push(eq(requests.agencyId, filter.agencyId))
  if (filter.state) conditions.push(eq(agencies.state, filter.state))
  if (filter.overdueAt) {
    const isOverdue = overdueAt(filter.overdueAt.now)
    conditions.push(filter.overdueAt.overdue ? isOverdue : sql`not coalesce(${isOverdue}, false)`)
  }
  if (filter.before) {
    const [createdAt, id] = filter.before
    const at = new Date(createdAt)
    conditions.push(or(lt(requests.createdAt, at), and(eq(requests.createdAt, at), lt(requests.id, id)))!)
  }
  return selectWithAgency(db)
    .where(and(...conditions))
    .orderBy(desc(requests.createdAt), desc(requests.id))
    .limit(filter.limit + 1)
}

export async function openRequestIdsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.userId, userId), notInArray(requests.status, [...CLOSED_STATUSES, 'draft'])))
  return rows.map((row) => row.id)
}

/** Submitted requests of agencies in `state` whose deadline a closure there could move (all but drafts, fulfilled and withdrawn). */
export async function deadlineRequestIdsIn(db: Executor, state: string): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .innerJoin(agencies, eq(agencies.id, requests.agencyId))
    .where(and(eq(agencies.state, state), notInArray(requests.status, ['draft', 'fulfilled', 'withdrawn'])))
    .orderBy(asc(requests.id))
  return rows.map((row) => row.id)
}

/**
 * Stores many drafts and their "created" events in one statement; answers their ids in the order of
 * `drafts`. The rows travel as one JSON parameter, as in markSubmitted.
 */
export async function insertDrafts(
  db: Executor,
  drafts: readonly (Pick<
    typeof requests.$inferInsert,
    'userId' | 'agencyId' | 'templateSlug' | 'subject' | 'body' | 'replyKey' | 'visibility'
  > & {
    variables: Record<string, string>
  })[],
  created: { createdAt: Date; by: string },
): Promise<string[]> {
  if (drafts.length === 0) return []
  const values = JSON.stringify(
    drafts.map((draft) => ({
      user_id: draft.userId,
      agency_id: draft.agencyId,
      template_slug: draft.templateSlug,
      variables: draft.variables,
      subject: draft.subject,
      body: draft.body,
      visibility: draft.visibility ?? 'public',
      reply_key: draft.replyKey,
    })),
  )
  const rows = await db.execute<{ id: string; reply_key: string }>(sql`
    with inserted as (
      insert into ${requests} (user_id, agency_id, template_slug, variables, subject, body, visibility, reply_key)
      select user_id, agency_id, template_slug, variables, subject, body, visibility, reply_key
      from jsonb_to_recordset(${values}::jsonb)
        as draft(user_id uuid, agency_id uuid, template_slug text, variables jsonb, subject text, body text, visibility text, reply_key text)
      returning ${requests.id} as id, ${requests.replyKey} as reply_key
    ), logged as (
      insert into ${requestEvents} (request_id, type, occurred_at, status_after, created_by)
      select id, 'created', ${created.createdAt.toISOString()}::timestamptz, 'draft', ${created.by}::uuid from inserted
    )
    select id, reply_key from inserted`)
  const idOf = new Map(rows.map((row) => [row.reply_key, row.id]))
  return drafts.map((draft) => idOf.get(draft.replyKey)!)
}

export async function updateRequest(db: Executor, id: string, values: Partial<typeof requests.$inferInsert>): Promise<RequestRow> {
  const [row] = await db
    .update(requests)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(requests.id, id))
    .returning()
  return row!
}

export async function deleteRequest(db: Executor, id: string): Promise<void> {
  await db.delete(requests).where(eq(requests.id, id))
}

export async function insertEvent(db: Executor, values: typeof requestEvents.$inferInsert): Promise<RequestEventRow> {
  const [row] = await db.insert(requestEvents).values(values).returning()
  return row!
}

/**
 * Files many drafts in one statement: sets the same submission on each, with its own deadline, and
 * logs its "submitted" event. Answers how many were still drafts and changed. The deadlines travel
 * as one JSON parameter: building a bind parameter per value cost more than the writes themselves.
 */
export async function markSubmitted(
  db: Executor,
  submission: Pick<RequestRow, 'status' | 'submittedVia'> & { submittedAt: Date; updatedAt: Date; note: string; by: string },
  changes: readonly { id: string; deadline: NonNullable<RequestRow['deadline']> }[],
): Promise<number> {
  if (changes.length === 0) return 0
  const values = JSON.stringify(changes.map(({ id, deadline }) => ({ id, deadline, due_date: deadline.dueDate })))
  const submittedAt = submission.submittedAt.toISOString()
  const [result] = await db.execute<{ changed: number }>(sql`
    with changed as (
      update ${requests}
      set status = ${submission.status}, submitted_via = ${submission.submittedVia}, submitted_at = ${submittedAt}::timestamptz,
          deadline = change.deadline, due_date = change.due_date, updated_at = ${submission.updatedAt.toISOString()}::timestamptz
      from jsonb_to_recordset(${values}::jsonb) as change(id uuid, deadline jsonb, due_date date)
      where ${requests.id} = change.id and ${requests.status} = 'draft'
      returning ${requests.id} as id, ${requests.dueDate} as due_date
    ), logged as (
      insert into ${requestEvents} (request_id, type, occurred_at, note, status_before, status_after, due_date_after, created_by)
      select id, 'submitted', ${submittedAt}::timestamptz, ${submission.note}, 'draft', ${submission.status}, due_date, ${submission.by}::uuid
      from changed
    )
    select count(*)::int as changed from changed`)
  return result!.changed
}

/**
 * Of these requests, those still "submitted" whose letter by email is still scheduled go back to
 * draft: the letter's delivery and its thread message are deleted (nothing was sent; a worker that
 * wakes for it finds nothing to claim), the submission is cleared, its "submitted" event replaced by
 * a note. A letter claimed by a worker ("sending") or sent is left alone. Answers the ids changed.
 */
export async function returnUnsentToDraft(
  db: Executor,
  ids: readonly string[],
  held: { at: Date; note: string; by: string },
): Promise<string[]> {
  if (ids.length === 0) return []
  const letters = await db.execute<{ id: string; request_id: string }>(sql`
    select ${deliveries.id} as id, ${deliveries.requestId} as request_id
    from ${deliveries} join ${requests} on ${requests.id} = ${deliveries.requestId}
    where ${inUuids(deliveries.requestId, ids)} and ${deliveries.kind} = 'letter' and ${deliveries.recipient} = 'agency'
      and ${deliveries.status} = 'scheduled' and ${requests.status} = 'submitted'
    for update of ${deliveries}, ${requests} skip locked`)
  if (letters.length === 0) return []
  const letterIds = letters.map((letter) => letter.id)
  await db.delete(messages).where(inUuids(messages.deliveryId, letterIds))
  const deleted = await db
    .delete(deliveries)
    .where(and(inUuids(deliveries.id, letterIds), eq(deliveries.status, 'scheduled')))
    .returning({ requestId: deliveries.requestId })
  const requestIds = deleted.map((row) => row.requestId)
  if (requestIds.length === 0) return []
  await db
    .update(requests)
    .set({ status: 'draft', submittedVia: null, submittedAt: null, dueDate: null, deadline: null, updatedAt: sql`now()` })
    .where(inUuids(requests.id, requestIds))
  await db.delete(requestEvents).where(and(inUuids(requestEvents.requestId, requestIds), eq(requestEvents.type, 'submitted')))
  await db.insert(requestEvents).values(
    requestIds.map((requestId) => ({
      requestId,
      type: 'note',
      occurredAt: held.at,
      note: held.note,
      statusBefore: 'submitted' as const,
      statusAfter: 'draft' as const,
      createdBy: held.by,
    })),
  )
  return requestIds
}

export async function listEvents(db: Executor, requestId: string): Promise<RequestEventRow[]> {
  return db
    .select()
    .from(requestEvents)
    .where(eq(requestEvents.requestId, requestId))
    .orderBy(asc(requestEvents.occurredAt), asc(requestEvents.createdAt), asc(requestEvents.id))
}

export async function setEventDueDate(db: Executor, eventId: string, dueDate: string | null): Promise<RequestEventRow> {
  const [row] = await db.update(requestEvents).set({ dueDateAfter: dueDate }).where(eq(requestEvents.id, eventId)).returning()
  return row!
}

/**
 * When each email to an agency about the user's requests counted against their allowance since
 * `since`: letters and the requester's messages from the moment they were queued, automatic follow-ups when they were sent.
 */
export async function agencyEmailTimesOf(db: Executor, userId: string, since: Date): Promise<Date[]> {
  const rows = await db.execute<{ at_ms: number }>(sql`
    select (extract(epoch from case when ${deliveries.kind} in ('letter', 'message') then ${deliveries.createdAt} else ${deliveries.sentAt} end) * 1000)::float8 as at_ms
    from ${deliveries} join ${requests} on ${requests.id} = ${deliveries.requestId}
    where ${requests.userId} = ${userId} and ${deliveries.recipient} = 'agency'
      and ((${deliveries.kind} in ('letter', 'message') and ${deliveries.createdAt} > ${since.toISOString()})
        or (${deliveries.kind} not in ('letter', 'message') and ${deliveries.sentAt} > ${since.toISOString()}))`)
  return rows.map((row) => new Date(row.at_ms))
}

export async function findEvent(db: Executor, id: string): Promise<RequestEventRow | null> {
  const [row] = await db.select().from(requestEvents).where(eq(requestEvents.id, id))
  return row ?? null
}

/** Records a request's expected-response date (deadlines/prompt-response.ts); null when it has none. */
export async function setExpectedResponseOn(db: Executor, id: string, date: string | null): Promise<void> {
  await db.update(requests).set({ expectedResponseOn: date }).where(eq(requests.id, id))
}
