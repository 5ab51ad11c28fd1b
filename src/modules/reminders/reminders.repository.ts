import { and, asc, eq, inArray, lte, ne, or, sql } from 'drizzle-orm'
import { type Executor, inUuids } from '../../db/client.js'
import { reminders } from '../../db/schema/index.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import { REMINDER_KINDS } from './reminder-plan.js'

export type DeliveryRow = typeof reminders.$inferSelect
export type DeliveryInsert = typeof reminders.$inferInsert

/** What the queue needs of a row to wake a worker for it. */
export function deliveryJobOf(row: DeliveryRow): DeliveryJob {
  return { id: row.id, sendAt: row.sendAt, attempts: row.attempts }
}

/** How many overdue and follow-up reminders a request's requester has been sent. */
export async function countLateRemindersSent(db: Executor, requestId: string): Promise<number> {
  const [row] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(reminders)
    .where(
      and(
        eq(reminders.requestId, requestId),
        eq(reminders.recipient, 'requester'),
        inArray(reminders.kind, ['overdue', 'follow_up']),
        eq(reminders.status, 'sent'),
      ),
    )
  return row?.value ?? 0
}

/** The reminder rows of these requests (not letters or notices), in send order. */
export async function listRemindersOf(db: Executor, requestIds: readonly string[]): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(reminders)
    .where(and(inUuids(reminders.requestId, requestIds), inArray(reminders.kind, [...REMINDER_KINDS])))
    .orderBy(asc(reminders.sendAt), asc(reminders.kind), asc(reminders.recipient))
}

/** How many deliveries of `kind` the request has had (the next one's sequence). */
export async function countDeliveries(db: Executor, requestId: string, kind: DeliveryRow['kind']): Promise<number> {
  const [row] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(reminders)
    .where(and(eq(reminders.requestId, requestId), eq(reminders.kind, kind)))
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
    insert into ${reminders} (request_id, kind, recipient, sequence, due_date, send_at, about_id)
    select request_id, kind, recipient, sequence, due_date, send_at, about_id
    from jsonb_to_recordset(${values}::jsonb)
      as row(request_id uuid, kind text, recipient text, sequence integer, due_date date, send_at timestamptz, about_id uuid)
    on conflict do nothing
    returning id, (extract(epoch from send_at) * 1000)::float8 as send_at_ms, attempts`)
  return inserted.map((row) => ({ id: row.id, sendAt: new Date(row.send_at_ms), attempts: row.attempts }))
}

export async function rescheduleDelivery(db: Executor, id: string, values: { sendAt: Date; dueDate: string | null }): Promise<DeliveryRow> {
  const [row] = await db
    .update(reminders)
    .set({ ...values, status: 'scheduled', lastError: null, updatedAt: sql`now()` })
    .where(eq(reminders.id, id))
    .returning()
  return row!
}

export async function cancelDeliveries(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .update(reminders)
    .set({ status: 'cancelled', updatedAt: sql`now()` })
    .where(and(inArray(reminders.id, ids), eq(reminders.status, 'scheduled')))
}

/**
 * Claims a delivery for sending: only one worker can win, and only while it is due (or while an
 * earlier claim has outlived its lease because that worker died mid-send). A follow-up to the
 * agency waits while the request's letter is still to be sent, so the agency never gets a
 * follow-up before the letter it follows up.
 */
export async function claimDelivery(db: Executor, id: string, leaseSeconds: number): Promise<DeliveryRow | null> {
  const [row] = await db
    .update(reminders)
    .set({ status: 'sending', claimedAt: sql`now()`, attempts: sql`${reminders.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        eq(reminders.id, id),
        or(
          and(eq(reminders.status, 'scheduled'), lte(reminders.sendAt, sql`now() + interval '1 second'`)),
          and(eq(reminders.status, 'sending'), sql`${reminders.claimedAt} < now() - make_interval(secs => ${leaseSeconds})`),
        ),
        or(
          ne(reminders.recipient, 'agency'),
          eq(reminders.kind, 'letter'),
          sql`not exists (select 1 from reminders as letter where letter.request_id = ${reminders.requestId} and letter.kind = 'letter' and letter.status in ('scheduled', 'sending'))`,
        ),
      ),
    )
    .returning()
  return row ?? null
}

/**
 * Marks a claimed delivery sent; answers what it was, or null when it was not `sending` (already
 * marked, by this worker's earlier try whose answer was lost or by another settling the journal).
 */
export async function markSent(db: Executor, id: string): Promise<Pick<DeliveryRow, 'id' | 'kind' | 'requestId'> | null> {
  const [row] = await db
    .update(reminders)
    .set({ status: 'sent', sentAt: sql`now()`, claimedAt: null, lastError: null, updatedAt: sql`now()` })
    .where(and(eq(reminders.id, id), eq(reminders.status, 'sending')))
    .returning({ id: reminders.id, kind: reminders.kind, requestId: reminders.requestId })
  return row ?? null
}

/** Gives a claim back without counting the attempt (nothing was sent), to be tried again at `sendAt`. */
export async function releaseClaim(db: Executor, id: string, sendAt: Date): Promise<DeliveryRow | null> {
  const [row] = await db
    .update(reminders)
    .set({ status: 'scheduled', sendAt, claimedAt: null, attempts: sql`greatest(${reminders.attempts} - 1, 0)`, updatedAt: sql`now()` })
    .where(and(eq(reminders.id, id), eq(reminders.status, 'sending')))
    .returning()
  return row ?? null
}

export async function markRetry(db: Executor, id: string, sendAt: Date, error: string): Promise<DeliveryRow | null> {
  const [row] = await db
    .update(reminders)
    .set({ status: 'scheduled', sendAt, claimedAt: null, lastError: error, updatedAt: sql`now()` })
    .where(and(eq(reminders.id, id), eq(reminders.status, 'sending')))
    .returning()
  return row ?? null
}

export async function markFailed(db: Executor, id: string, error: string): Promise<void> {
  await db
    .update(reminders)
    .set({ status: 'failed', claimedAt: null, lastError: error, updatedAt: sql`now()` })
    .where(and(eq(reminders.id, id), eq(reminders.status, 'sending')))
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
    .select({ id: reminders.id, sendAt: reminders.sendAt, attempts: reminders.attempts })
    .from(reminders)
    .where(
      and(
        or(
          and(eq(reminders.status, 'scheduled'), lte(reminders.sendAt, sql`now() + make_interval(secs => ${window.lookaheadSeconds})`)),
          and(eq(reminders.status, 'sending'), sql`${reminders.claimedAt} < now() - make_interval(secs => ${window.leaseSeconds})`),
        ),
        after ? sql`(${reminders.sendAt}, ${reminders.id}) > (${after.sendAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(reminders.sendAt), asc(reminders.id))
    .limit(limit)
}

/** A request's emails to the agency that are due within the lookahead (the follow-ups its letter held back). */
export async function findDueToAgency(db: Executor, requestId: string, lookaheadSeconds: number): Promise<DeliveryJob[]> {
  return db
    .select({ id: reminders.id, sendAt: reminders.sendAt, attempts: reminders.attempts })
    .from(reminders)
    .where(
      and(
        eq(reminders.requestId, requestId),
        eq(reminders.recipient, 'agency'),
        eq(reminders.status, 'scheduled'),
        lte(reminders.sendAt, sql`now() + make_interval(secs => ${lookaheadSeconds})`),
      ),
    )
}

export async function findDelivery(db: Executor, id: string): Promise<DeliveryRow | null> {
  const [row] = await db.select().from(reminders).where(eq(reminders.id, id))
  return row ?? null
}

/** How many deliveries of this kind a request has had (the next one's sequence). */
export async function countDeliveriesOfKind(db: Executor, requestId: string, kind: DeliveryRow['kind']): Promise<number> {
  const [row] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(reminders)
    .where(and(eq(reminders.requestId, requestId), eq(reminders.kind, kind)))
  return row?.value ?? 0
}
