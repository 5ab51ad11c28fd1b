import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { deliveries, messages, requests } from '../../db/schema/index.js'

export type MessageRow = typeof messages.$inferSelect
export type MessageInsert = typeof messages.$inferInsert

/** Angle brackets and surrounding spaces off, as Message-IDs are stored. */
export function bareMessageId(value: string): string {
  return value.trim().replace(/^<|>$/g, '').trim()
}

/**
 * The request whose thread holds a message the service sent with this Message-ID ("<id@domain>" or
 * bare), or null: how a reply's In-Reply-To or References finds its request whatever address it
 * was sent to.
 */
export async function findRequestByOutboundMessageId(db: Executor, messageId: string): Promise<string | null> {
  const [row] = await db
    .select({ requestId: messages.requestId })
    .from(messages)
    .where(and(eq(messages.messageId, bareMessageId(messageId)), eq(messages.direction, 'outbound')))
    .limit(1)
  return row?.requestId ?? null
}

/** The request with this reference ("RR-8F3K2Q", canonical as parseRequestReference answers it), or null. */
export async function findRequestByReference(db: Executor, reference: string): Promise<string | null> {
  const [row] = await db.select({ id: requests.id }).from(requests).where(eq(requests.reference, reference))
  return row?.id ?? null
}

/** The Message-IDs of a request's thread, oldest first. */
export async function listThreadIds(db: Executor, requestId: string): Promise<string[]> {
  const rows = await db
    .select({ messageId: messages.messageId })
    .from(messages)
    .where(eq(messages.requestId, requestId))
    .orderBy(asc(messages.createdAt), asc(messages.id))
  return rows.map((row) => row.messageId)
}

/**
 * The message an email to the agency answers: the thread's latest, leaving out bounces and
 * outbound messages that never reached the agency (their delivery failed or was cancelled).
 */
export async function findThreadParent(db: Executor, requestId: string): Promise<MessageRow | null> {
  const [row] = await db
    .select({ message: messages })
    .from(messages)
    .leftJoin(deliveries, eq(deliveries.id, messages.deliveryId))
    .where(
      and(
        eq(messages.requestId, requestId),
        sql`${messages.kind} <> 'bounce'`,
        sql`(${messages.direction} = 'inbound' or ${deliveries.status} is null or ${deliveries.status} not in ('failed', 'cancelled'))`,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1)
  return row?.message ?? null
}

export async function findMessageByDelivery(db: Executor, deliveryId: string): Promise<MessageRow | null> {
  const [row] = await db.select().from(messages).where(eq(messages.deliveryId, deliveryId))
  return row ?? null
}

export async function insertMessage(db: Executor, row: MessageInsert): Promise<MessageRow> {
  const [inserted] = await db.insert(messages).values(row).returning()
  return inserted!
}

/**
 * The outbound message of a delivery: the one recorded already (by the API, or by an earlier
 * attempt, whose headers a retry must repeat), or `row` recorded now.
 */
export async function ensureDeliveryMessage(db: Executor, row: MessageInsert & { deliveryId: string }): Promise<MessageRow> {
  await db.insert(messages).values(row).onConflictDoNothing({ target: messages.deliveryId })
  return (await findMessageByDelivery(db, row.deliveryId))!
}

/**
 * Letters sent before the thread existed become its first messages: the Message-ID they were sent
 * with (`delivery-<id>@<replyDomain>`, see deliveries.service.ts), so replies to them still find
 * their request. Idempotent; answers how many were recorded.
 */
export async function backfillSentLetters(db: Executor, replyDomain: string): Promise<number> {
  const rows = await db.execute<{ id: string }>(sql`
    insert into ${messages} (request_id, direction, kind, from_address, to_addresses, subject, text, message_id, sent_at, delivery_id, created_at)
    select d.request_id, 'outbound', 'letter', r.reply_key || '@' || ${replyDomain},
      case when a.email is null then '[]'::jsonb else jsonb_build_array(a.email) end,
      r.subject, r.body, 'delivery-' || d.id || '@' || ${replyDomain}, d.sent_at, d.id, coalesce(d.sent_at, d.created_at)
    from ${deliveries} d
      join ${requests} r on r.id = d.request_id
      join agencies a on a.id = r.agency_id
    where d.kind = 'letter' and d.status = 'sent'
      and not exists (select 1 from ${messages} m where m.delivery_id = d.id)
    on conflict do nothing
    returning id`)
  return rows.length
}
