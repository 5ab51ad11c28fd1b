import { and, asc, eq, sql } from 'drizzle-orm'
import { clientOf, type Executor } from '../../db/client.js'
import { inboundMail } from '../../db/schema/index.js'
import { storableText } from '../documents/page-text.js'

export type InboundMailRow = typeof inboundMail.$inferSelect
export type InboundMailInsert = typeof inboundMail.$inferInsert

const INBOUND_MAIL_COLUMNS = 'id, sha256, size, via, envelope, status, attempts, last_error, received_at, ingested_at, updated_at'

interface InboundMailRecord {
  id: string
  sha256: string
  size: string | number
  via: InboundMailRow['via']
  envelope: InboundMailRow['envelope']
  status: InboundMailRow['status']
  attempts: number
  last_error: string | null
  received_at: string
  ingested_at: string | null
  updated_at: string
}

function toInboundMailRow(record: InboundMailRecord): InboundMailRow {
  return {
    id: record.id,
    sha256: record.sha256,
    size: Number(record.size),
    via: record.via,
    envelope: record.envelope,
    status: record.status,
    attempts: record.attempts,
    lastError: record.last_error,
    receivedAt: new Date(record.received_at),
    ingestedAt: record.ingested_at === null ? null : new Date(record.ingested_at),
    updatedAt: new Date(record.updated_at),
  }
}

// The doors and the ingest job run these once per message: plain SQL, prepared (see clientOf).

/** Records a stored raw message, or answers the row the same bytes already have. */
export async function insertOrFindInboundMail(db: Executor, values: InboundMailInsert): Promise<{ row: InboundMailRow; created: boolean }> {
  const sql = clientOf(db)
  const [inserted] = await sql<InboundMailRecord[]>`
    insert into inbound_mail (sha256, size, via, envelope)
    values (${values.sha256}, ${values.size}, ${values.via}, ${JSON.stringify(values.envelope)}::jsonb)
    on conflict (sha256) do nothing
    returning ${sql.unsafe(INBOUND_MAIL_COLUMNS)}`
  if (inserted) return { row: toInboundMailRow(inserted), created: true }
  const [existing] = await sql<
    InboundMailRecord[]
  >`select ${sql.unsafe(INBOUND_MAIL_COLUMNS)} from inbound_mail where sha256 = ${values.sha256}`
  return { row: toInboundMailRow(existing!), created: false }
}

export async function findInboundMail(db: Executor, id: string): Promise<InboundMailRow | null> {
  const [row] = await db.select().from(inboundMail).where(eq(inboundMail.id, id))
  return row ?? null
}

/** Begins an ingest attempt: counts it before any reading, so one whose worker is killed still counts. Null when the row no longer waits. */
export async function beginIngest(db: Executor, id: string): Promise<InboundMailRow | null> {
  const sql = clientOf(db)
  const [row] = await sql<InboundMailRecord[]>`
    update inbound_mail set attempts = attempts + 1, updated_at = now()
    where id = ${id} and status = 'pending'
    returning ${sql.unsafe(INBOUND_MAIL_COLUMNS)}`
  return row ? toInboundMailRow(row) : null
}

export async function markIngested(db: Executor, id: string): Promise<void> {
  await clientOf(db)`
    update inbound_mail set status = 'ingested', last_error = null, ingested_at = now(), updated_at = now()
    where id = ${id} and status = 'pending'`
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
