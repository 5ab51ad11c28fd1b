import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { reminders, REMINDER_KINDS } from '../../db/schema/index.js'

export type DeliveryRow = typeof reminders.$inferSelect
export type DeliveryInsert = typeof reminders.$inferInsert

export async function listRequestReminders(db: Executor, requestId: string): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(reminders)
    .where(and(eq(reminders.requestId, requestId), inArray(reminders.kind, [...REMINDER_KINDS])))
    .orderBy(asc(reminders.sendAt), asc(reminders.kind), asc(reminders.recipient))
}

export async function insertDeliveries(db: Executor, rows: DeliveryInsert[]): Promise<DeliveryRow[]> {
  if (rows.length === 0) return []
  return db.insert(reminders).values(rows).onConflictDoNothing().returning()
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
 * earlier claim has outlived its lease because that worker died mid-send).
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
      ),
    )
    .returning()
  return row ?? null
}

export async function markSent(db: Executor, id: string): Promise<void> {
  await db
    .update(reminders)
    .set({ status: 'sent', sentAt: sql`now()`, claimedAt: null, lastError: null, updatedAt: sql`now()` })
    .where(and(eq(reminders.id, id), eq(reminders.status, 'sending')))
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

/** Deliveries a worker should act on now: due and unclaimed, or claimed by a worker that died. */
export async function findActionable(db: Executor, leaseSeconds: number, limit: number): Promise<{ id: string; sendAt: Date }[]> {
  return db
    .select({ id: reminders.id, sendAt: reminders.sendAt })
    .from(reminders)
    .where(
      or(
        and(eq(reminders.status, 'scheduled'), lte(reminders.sendAt, sql`now()`)),
        and(eq(reminders.status, 'sending'), sql`${reminders.claimedAt} < now() - make_interval(secs => ${leaseSeconds})`),
      ),
    )
    .orderBy(asc(reminders.sendAt))
    .limit(limit)
}

/** Every scheduled delivery, in pages by id, for rebuilding the queue after Redis lost its data. */
export async function scheduledPage(db: Executor, afterId: string | null, limit: number): Promise<{ id: string; sendAt: Date }[]> {
  return db
    .select({ id: reminders.id, sendAt: reminders.sendAt })
    .from(reminders)
    .where(and(eq(reminders.status, 'scheduled'), afterId ? sql`${reminders.id} > ${afterId}` : undefined))
    .orderBy(asc(reminders.id))
    .limit(limit)
}
