import { and, asc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { inboundMail } from '../../db/schema/index.js'
import { storableText } from '../documents/page-text.js'

export type InboundMailRow = typeof inboundMail.$inferSelect
export type InboundMailInsert = typeof inboundMail.$inferInsert

/** Records a stored raw message, or answers the row the same bytes already have. */
export async function insertOrFindInboundMail(db: Executor, values: InboundMailInsert): Promise<{ row: InboundMailRow; created: boolean }> {
  const [inserted] = await db.insert(inboundMail).values(values).onConflictDoNothing({ target: inboundMail.sha256 }).returning()
  if (inserted) return { row: inserted, created: true }
  const [existing] = await db.select().from(inboundMail).where(eq(inboundMail.sha256, values.sha256))
  return { row: existing!, created: false }
}

export async function findInboundMail(db: Executor, id: string): Promise<InboundMailRow | null> {
  const [row] = await db.select().from(inboundMail).where(eq(inboundMail.id, id))
  return row ?? null
}

/** Begins an ingest attempt: counts it before any reading, so one whose worker is killed still counts. Null when the row no longer waits. */
export async function beginIngest(db: Executor, id: string): Promise<InboundMailRow | null> {
  const [row] = await db
    .update(inboundMail)
    .set({ attempts: sql`${inboundMail.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(eq(inboundMail.id, id), eq(inboundMail.status, 'pending')))
    .returning()
  return row ?? null
}

export async function markIngested(db: Executor, id: string): Promise<void> {
  await db
    .update(inboundMail)
    .set({ status: 'ingested', lastError: null, ingestedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(inboundMail.id, id), eq(inboundMail.status, 'pending')))
}

/** A failure: the row stays pending (to be retried) unless `final`, which marks it failed; the bytes are kept either way. */
export async function recordFailure(db: Executor, id: string, error: string, final: boolean): Promise<void> {
  await db
    .update(inboundMail)
    .set({ lastError: storableText(error).slice(0, 2_000), updatedAt: sql`now()`, ...(final ? { status: 'failed' as const } : {}) })
    .where(and(eq(inboundMail.id, id), eq(inboundMail.status, 'pending')))
}

/** Pending rows, oldest first, in keyset pages, for queueing again after Redis lost their jobs. */
export async function pendingPage(
  db: Executor,
  after: readonly [Date, string] | null,
  limit: number,
): Promise<{ id: string; receivedAt: Date }[]> {
  return db
    .select({ id: inboundMail.id, receivedAt: inboundMail.receivedAt })
    .from(inboundMail)
    .where(
      and(
        eq(inboundMail.status, 'pending'),
        after
          ? sql`(${inboundMail.receivedAt}, ${inboundMail.id}) > (${after[0].toISOString()}::timestamptz, ${after[1]}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(inboundMail.receivedAt), asc(inboundMail.id))
    .limit(limit)
}
