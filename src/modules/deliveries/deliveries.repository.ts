import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm'
import { clientOf, type Database, type Executor, inUuids } from '../../db/client.js'
import { agencies, deliveries, jurisdictions, messages, requests } from '../../db/schema/index.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import { DIGEST_KINDS, isDigestible } from './reminder-digest.js'
import { REMINDER_KINDS } from './reminder-plan.js'

export type DeliveryRow = typeof deliveries.$inferSelect
export type DeliveryInsert = typeof deliveries.$inferInsert

/** What the queue needs of a row to wake a worker for it. */
export function deliveryJobOf(row: DeliveryRow): DeliveryJob {
  return { id: row.id, sendAt: row.sendAt, attempts: row.attempts }
}

/** How many overdue and follow-up reminders a request's requester has been sent. */
export async function countLateRemindersSent(db: Executor, requestId: string): Promise<number> {
  const [row] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.requestId, requestId),
        eq(deliveries.recipient, 'requester'),
        inArray(deliveries.kind, ['overdue', 'follow_up']),
        eq(deliveries.status, 'sent'),
      ),
    )
  return row?.value ?? 0
}

/** The reminder rows of these requests (not letters or notices), in send order. */
export async function listRemindersOf(db: Executor, requestIds: readonly string[]): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(deliveries)
    .where(and(inUuids(deliveries.requestId, requestIds), inArray(deliveries.kind, [...REMINDER_KINDS])))
    .orderBy(asc(deliveries.sendAt), asc(deliveries.kind), asc(deliveries.recipient))
}

/** How many deliveries of `kind` the request has had (the next one's sequence). */
export async function countDeliveries(db: Executor, requestId: string, kind: DeliveryRow['kind']): Promise<number> {
  const [row] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(and(eq(deliveries.requestId, requestId), eq(deliveries.kind, kind)))
  return row?.value ?? 0
}

/**
 * Inserts deliveries (a row already there for the same request, kind, recipient and sequence is
 * left alone) and answers what the queue needs of the new ones. The rows travel as one JSON
 * parameter: a bulk submission inserts thousands, and building a parameter per value cost more
 * than the insert itself.
 */
export async function insertDeliveries(db: Executor, rows: DeliveryInsert[]): Promise<DeliveryJob[]> {
  if (rows.length === 0) return []
  const values = JSON.stringify(
    rows.map((row) => ({
      request_id: row.requestId,
      kind: row.kind,
      recipient: row.recipient,
      sequence: row.sequence ?? 0,
      due_date: row.dueDate ?? null,
      send_at: row.sendAt.toISOString(),
      about_id: row.aboutId ?? null,
    })),
  )
  const inserted = await db.execute<{ id: string; send_at_ms: number; attempts: number }>(sql`
    insert into ${deliveries} (request_id, kind, recipient, sequence, due_date, send_at, about_id)
    select request_id, kind, recipient, sequence, due_date, send_at, about_id
    from jsonb_to_recordset(${values}::jsonb)
      as row(request_id uuid, kind text, recipient text, sequence integer, due_date date, send_at timestamptz, about_id uuid)
    on conflict do nothing
    returning id, (extract(epoch from send_at) * 1000)::float8 as send_at_ms, attempts`)
  return inserted.map((row) => ({ id: row.id, sendAt: new Date(row.send_at_ms), attempts: row.attempts }))
}

export async function rescheduleDelivery(db: Executor, id: string, values: { sendAt: Date; dueDate: string | null }): Promise<DeliveryRow> {
  const [row] = await db
    .update(deliveries)
    .set({ ...values, status: 'scheduled', lastError: null, updatedAt: sql`now()` })
    .where(eq(deliveries.id, id))
    .returning()
  return row!
}

export async function cancelDeliveries(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .update(deliveries)
    .set({ status: 'cancelled', updatedAt: sql`now()` })
    .where(and(inArray(deliveries.id, ids), eq(deliveries.status, 'scheduled')))
}

/**
 * Claims a delivery for sending: only one worker can win, and only while it is due (or while an
 * earlier claim has outlived its lease because that worker died mid-send). A follow-up to the
 * agency waits while the request's letter is still to be sent, so the agency never gets a
 * follow-up before the letter it follows up.
 */
export async function claimDelivery(db: Executor, id: string, leaseSeconds: number): Promise<DeliveryRow | null> {
  const [row] = await db
    .update(deliveries)
    .set({ status: 'sending', claimedAt: sql`now()`, attempts: sql`${deliveries.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        eq(deliveries.id, id),
        or(
          and(eq(deliveries.status, 'scheduled'), lte(deliveries.sendAt, sql`now() + interval '1 second'`)),
          and(
            eq(deliveries.status, 'sending'),
            isNull(deliveries.digestOf),
            sql`${deliveries.claimedAt} < now() - make_interval(secs => ${leaseSeconds})`,
          ),
        ),
        or(
          ne(deliveries.recipient, 'agency'),
          eq(deliveries.kind, 'letter'),
          sql`not exists (select 1 from deliveries as letter where letter.request_id = ${deliveries.requestId} and letter.kind = 'letter' and letter.status in ('scheduled', 'sending'))`,
        ),
      ),
    )
    .returning()
  return row ?? null
}

/**
 * Marks a claimed delivery sent; answers what it was, or null when it was not `sending` (already
 * marked, by this worker's earlier try whose answer was lost or by another settling the journal).
 * An email to the agency also marks its thread message sent and, in the same transaction, owes the
 * requester a copy (`copies`: the copy's delivery, to queue), so a copy is neither lost nor doubled.
 * A digest marks the reminders it carried (`members`) sent in the same transaction.
 */
export async function markSent(
  db: Executor,
  id: string,
): Promise<
  | (Pick<DeliveryRow, 'id' | 'kind' | 'requestId'> & { members: Pick<DeliveryRow, 'id' | 'kind' | 'requestId'>[]; copies: DeliveryJob[] })
  | null
> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(deliveries)
      .set({ status: 'sent', sentAt: sql`now()`, claimedAt: null, lastError: null, updatedAt: sql`now()` })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, 'sending')))
      .returning({ id: deliveries.id, kind: deliveries.kind, requestId: deliveries.requestId, recipient: deliveries.recipient })
    if (!row) return null
    const { recipient, ...sent } = row
    const members = await tx
      .update(deliveries)
      .set({ status: 'sent', sentAt: sql`now()`, claimedAt: null, lastError: null, updatedAt: sql`now()` })
      .where(and(eq(deliveries.digestOf, id), eq(deliveries.status, 'sending')))
      .returning({ id: deliveries.id, kind: deliveries.kind, requestId: deliveries.requestId })
    if (recipient !== 'agency') return { ...sent, members, copies: [] }
    await tx
      .update(messages)
      .set({ sentAt: sql`coalesce(${messages.sentAt}, now())` })
      .where(eq(messages.deliveryId, id))
    return { ...sent, members, copies: await insertRequesterCopy(tx, sent) }
  })
}

/** The requester's copy of an email sent to the agency; the request row is locked so concurrent copies number apart. */
async function insertRequesterCopy(tx: Executor, sent: Pick<DeliveryRow, 'id' | 'requestId'>): Promise<DeliveryJob[]> {
  await tx.select({ id: requests.id }).from(requests).where(eq(requests.id, sent.requestId)).for('update')
  const inserted = await tx.execute<{ id: string; send_at_ms: number; attempts: number }>(sql`
    insert into ${deliveries} (request_id, kind, recipient, sequence, send_at, about_id)
    select ${sent.requestId}, 'requester_copy', 'requester',
      (select count(*) from ${deliveries} where request_id = ${sent.requestId} and kind = 'requester_copy'), now(), ${sent.id}
    on conflict do nothing
    returning id, (extract(epoch from send_at) * 1000)::float8 as send_at_ms, attempts`)
  return inserted.map((row) => ({ id: row.id, sendAt: new Date(row.send_at_ms), attempts: row.attempts }))
}

/**
 * The reminders a digest claimed go back to waiting, each on its own again (the digest was not sent);
 * they are due, so the next sweep sends them (as a digest of their own when there are several).
 */
async function releaseMembers(db: Executor, id: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'scheduled', claimedAt: null, digestOf: null, updatedAt: sql`now()` })
    .where(and(eq(deliveries.digestOf, id), eq(deliveries.status, 'sending')))
}

/** One reminder out of the digest that claimed it, waiting to be sent on its own. */
export async function leaveDigest(db: Executor, id: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'scheduled', claimedAt: null, digestOf: null, updatedAt: sql`now()` })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'sending')))
}

/** Gives a claim back without counting the attempt (nothing was sent), to be tried again at `sendAt`. */
export async function releaseClaim(db: Executor, id: string, sendAt: Date): Promise<DeliveryRow | null> {
  await releaseMembers(db, id)
  const [row] = await db
    .update(deliveries)
    .set({ status: 'scheduled', sendAt, claimedAt: null, attempts: sql`greatest(${deliveries.attempts} - 1, 0)`, updatedAt: sql`now()` })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'sending')))
    .returning()
  return row ?? null
}

export async function markRetry(db: Executor, id: string, sendAt: Date, error: string): Promise<DeliveryRow | null> {
  await releaseMembers(db, id)
  const [row] = await db
    .update(deliveries)
    .set({ status: 'scheduled', sendAt, claimedAt: null, lastError: error, updatedAt: sql`now()` })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'sending')))
    .returning()
  return row ?? null
}

export async function markFailed(db: Executor, id: string, error: string): Promise<void> {
  await releaseMembers(db, id)
  await db
    .update(deliveries)
    .set({ status: 'failed', claimedAt: null, lastError: error, updatedAt: sql`now()` })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, 'sending')))
}

/**
 * Deliveries a worker should queue now: scheduled ones due within the lookahead, and claimed ones
 * whose worker died mid-send (claim older than the lease). Soonest first, in keyset pages.
 */
export async function findActionable(
  db: Executor,
  window: { leaseSeconds: number; lookaheadSeconds: number },
  after: DeliveryJob | null,
  limit: number,
): Promise<DeliveryJob[]> {
  return db
    .select({ id: deliveries.id, sendAt: deliveries.sendAt, attempts: deliveries.attempts })
    .from(deliveries)
    .where(
      and(
        or(
          and(eq(deliveries.status, 'scheduled'), lte(deliveries.sendAt, sql`now() + make_interval(secs => ${window.lookaheadSeconds})`)),
          and(
            eq(deliveries.status, 'sending'),
            isNull(deliveries.digestOf),
            sql`${deliveries.claimedAt} < now() - make_interval(secs => ${window.leaseSeconds})`,
          ),
        ),
        after ? sql`(${deliveries.sendAt}, ${deliveries.id}) > (${after.sendAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(deliveries.sendAt), asc(deliveries.id))
    .limit(limit)
}

/** A request's emails to the agency that are due within the lookahead (the follow-ups its letter held back). */
export async function findDueToAgency(db: Executor, requestId: string, lookaheadSeconds: number): Promise<DeliveryJob[]> {
  return db
    .select({ id: deliveries.id, sendAt: deliveries.sendAt, attempts: deliveries.attempts })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.requestId, requestId),
        eq(deliveries.recipient, 'agency'),
        eq(deliveries.status, 'scheduled'),
        lte(deliveries.sendAt, sql`now() + make_interval(secs => ${lookaheadSeconds})`),
      ),
    )
}

export async function findDelivery(db: Executor, id: string): Promise<DeliveryRow | null> {
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id))
  return row ?? null
}

/** How many deliveries of this kind a request has had (the next one's sequence). */
/**
 * Queues a notice to the requester (numbered after the request's notices of its kind so far), in
 * one statement, plain SQL, prepared (see clientOf): ingest tells the requester of every reply.
 */
export async function insertRequesterNotice(
  db: Executor,
  notice: { requestId: string; kind: DeliveryRow['kind']; sendAt: Date; aboutId: string },
): Promise<DeliveryJob[]> {
  const rows = await clientOf(db)<{ id: string; send_at_ms: number; attempts: number }[]>`
    insert into deliveries (request_id, kind, recipient, sequence, send_at, about_id)
    select ${notice.requestId}::uuid, ${notice.kind}::text, 'requester',
      (select count(*)::int from deliveries where request_id = ${notice.requestId}::uuid and kind = ${notice.kind}::text),
      ${notice.sendAt.toISOString()}::timestamptz, ${notice.aboutId}::uuid
    on conflict do nothing
    returning id, (extract(epoch from send_at) * 1000)::float8 as send_at_ms, attempts`
  return rows.map((row) => ({ id: row.id, sendAt: new Date(row.send_at_ms), attempts: row.attempts }))
}

export async function countDeliveriesOfKind(db: Executor, requestId: string, kind: DeliveryRow['kind']): Promise<number> {
  const [row] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(and(eq(deliveries.requestId, requestId), eq(deliveries.kind, kind)))
  return row?.value ?? 0
}

/**
 * Claims a delivery (claimDelivery) and, for a reminder to the requester, the other reminders its
 * digest carries (claimDigestMembers). Claims of one requester's reminders take turns (a transaction
 * lock on the requester): reminders due at the same minute are claimed by parallel workers, and
 * without it each would claim its own before any could gather the others.
 */
export async function claimWithDigest(
  db: Database,
  id: string,
  leaseSeconds: number,
): Promise<{ claimed: DeliveryRow; members: DeliveryRow[] } | null> {
  return db.transaction(async (tx) => {
    const [about] = await tx
      .select({ kind: deliveries.kind, recipient: deliveries.recipient, userId: requests.userId, timezone: jurisdictions.timezone })
      .from(deliveries)
      .innerJoin(requests, eq(requests.id, deliveries.requestId))
      .innerJoin(agencies, eq(agencies.id, requests.agencyId))
      .innerJoin(jurisdictions, eq(jurisdictions.code, agencies.state))
      .where(eq(deliveries.id, id))
    if (!about) return null
    const digestible = isDigestible(about)
    if (digestible) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`reminder-digest:${about.userId}`}, 0))`)
    const claimed = await claimDelivery(tx, id, leaseSeconds)
    if (!claimed) return null
    return { claimed, members: digestible ? await claimDigestMembers(tx, claimed, about.timezone) : [] }
  })
}

/**
 * Claims, for the digest of `primary` (claimed already), the requester's other reminders due by the
 * end of the primary's day in `timezone` (reminder-digest.ts), and any this digest claimed on an
 * earlier attempt. Answers them all, oldest first.
 */
async function claimDigestMembers(db: Executor, primary: DeliveryRow, timezone: string): Promise<DeliveryRow[]> {
  const endOfDay = sql`(((${primary.sendAt.toISOString()}::timestamptz at time zone ${timezone})::date + 1)::timestamp at time zone ${timezone})`
  return db
    .update(deliveries)
    .set({ status: 'sending', claimedAt: sql`now()`, digestOf: primary.id, updatedAt: sql`now()` })
    .where(
      and(
        ne(deliveries.id, primary.id),
        eq(deliveries.recipient, 'requester'),
        inArray(deliveries.kind, [...DIGEST_KINDS]),
        sql`${deliveries.requestId} in (select id from ${requests} where user_id = (select user_id from ${requests} where id = ${primary.requestId}))`,
        or(
          and(eq(deliveries.status, 'scheduled'), sql`${deliveries.sendAt} < ${endOfDay}`),
          and(eq(deliveries.status, 'sending'), eq(deliveries.digestOf, primary.id)),
        ),
      ),
    )
    .returning()
}
