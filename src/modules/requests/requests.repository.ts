import { and, asc, desc, eq, lt, notInArray, or, type SQL, sql } from 'drizzle-orm'
import { type Executor, inUuids, preparedPer } from '../../db/client.js'
import { agencies, deliveries, jurisdictions, requestEvents, requests } from '../../db/schema/index.js'
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

export interface RequestFilter {
  userId?: string
  status?: RequestStatus
  agencyId?: string
  state?: string
  overdueAt?: { now: Date; overdue: boolean }
  before?: readonly [string, string]
  limit: number
}

/** Newest first, keyset-paginated on (createdAt, id). */
export async function listRequests(db: Executor, filter: RequestFilter): Promise<RequestWithAgency[]> {
  const conditions: SQL[] = []
  if (filter.userId) conditions.push(eq(requests.userId, filter.userId))
  if (filter.status) conditions.push(eq(requests.status, filter.status))
  if (filter.agencyId) conditions.push(eq(requests.agencyId, filter.agencyId))
  if (filter.state) conditions.push(eq(agencies.state, filter.state))
  if (filter.overdueAt) {
    const isOverdue = sql`(${requests.dueDate} < (${filter.overdueAt.now.toISOString()}::timestamptz at time zone ${jurisdictions.timezone})::date
      and ${notInArray(requests.status, [...CLOSED_STATUSES, 'draft'])})`
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

export async function insertRequest(db: Executor, values: typeof requests.$inferInsert): Promise<RequestRow> {
  const [row] = await db.insert(requests).values(values).returning()
  return row!
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
