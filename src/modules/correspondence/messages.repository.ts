import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm'
import { clientOf, type Executor } from '../../db/client.js'
import { deliveries, documents, messages, requests } from '../../db/schema/index.js'

export type MessageRow = typeof messages.$inferSelect
export type MessageInsert = typeof messages.$inferInsert

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

/** A message as the thread shows it: its documents and, for outbound ones, its delivery's state. */
export type MessageListRow = MessageRow & {
  documentIds: string[]
  deliveryStatus: string | null
  deliveryError: string | null
}

const jsonList = (values: readonly string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`

/** The first of these reply keys (in order) that is a request's; null when none is. */
export async function findRequestByReplyKeys(db: Executor, keys: readonly string[]): Promise<string | null> {
  if (keys.length === 0) return null
  const rows = await clientOf(db)<{ id: string; key: string }[]>`
    select id, reply_key as key from requests where reply_key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`
  for (const key of keys) {
    const row = rows.find((candidate) => candidate.key === key)
    if (row) return row.id
  }
  return null
}

/**
 * The request of the newest email the service sent that these ids name: an outbound message's
 * Message-ID, or a delivery's (`delivery-<id>@REPLY_DOMAIN`, see deliveries.service).
 */
export async function findRequestBySentIds(
  db: Executor,
  messageIds: readonly string[],
  deliveryIds: readonly string[],
): Promise<string | null> {
  if (messageIds.length > 0) {
    const [row] = await db
      .select({ requestId: messages.requestId })
      .from(messages)
      .where(
        and(
          eq(messages.direction, 'outbound'),
          sql`${messages.messageId} in ${jsonList(messageIds)}`,
          sql`${messages.requestId} is not null`,
        ),
      )
      .orderBy(desc(messages.createdAt))
      .limit(1)
    if (row?.requestId) return row.requestId
  }
  if (deliveryIds.length > 0) {
    const [row] = await db
      .select({ requestId: deliveries.requestId })
      .from(deliveries)
      .where(sql`${deliveries.id}::text in ${jsonList(deliveryIds)}`)
      .orderBy(desc(deliveries.createdAt))
      .limit(1)
    if (row) return row.requestId
  }
  return null
}

/**
 * The request's email to the agency a bounce is about: the one its ids name (the returned
 * Message-ID, In-Reply-To, References); null when they name none of its emails, so a forged or stray
 * bounce fails nothing.
 */
export async function findBouncedDelivery(
  db: Executor,
  requestId: string,
  deliveryIds: readonly string[],
  messageIds: readonly string[],
): Promise<{ id: string } | null> {
  const named = sql`(${deliveries.id}::text in ${jsonList(deliveryIds)} or ${deliveries.id} in (select ${messages.deliveryId} from ${messages} where ${messages.messageId} in ${jsonList(messageIds)}))`
  const [row] = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(eq(deliveries.requestId, requestId), eq(deliveries.recipient, 'agency'), sql`${deliveries.status} in ('sent', 'sending')`, named),
    )
    .orderBy(desc(deliveries.sentAt))
    .limit(1)
  return row ?? null
}

/**
 * Marks an email to the agency failed because it bounced; answers it only if this call changed it,
 * so a bounce delivered twice tells the requester once.
 */
export async function markBounced(db: Executor, deliveryId: string, reason: string): Promise<{ id: string } | null> {
  const [row] = await db
    .update(deliveries)
    .set({ status: 'failed', claimedAt: null, lastError: reason.slice(0, 2_000), updatedAt: sql`now()` })
    .where(and(eq(deliveries.id, deliveryId), sql`${deliveries.status} in ('sent', 'sending')`))
    .returning({ id: deliveries.id })
  return row ?? null
}

/** What recording an inbound message answers: the row's id and what joining its request needs. */
export type InboundMessageRow = Pick<MessageRow, 'id' | 'requestId' | 'kind' | 'fromAddress' | 'sentAt' | 'authentication'>

/**
 * Inserts an inbound message, or answers the one already there: for a request, the one with the
 * same Message-ID (the unique index); unmatched, an unmatched one with the same Message-ID.
 * Plain SQL, prepared (see clientOf): ingest runs it once per message.
 */
export async function insertOrFindMessage(
  db: Executor,
  values: MessageInsert & { sentAt: Date },
): Promise<{ row: InboundMessageRow; created: boolean }> {
  const sql = clientOf(db)
  const toRow = (record: { id: string; sent_at: string | null }): InboundMessageRow => ({
    id: record.id,
    requestId: values.requestId ?? null,
    kind: values.kind,
    fromAddress: values.fromAddress,
    sentAt: record.sent_at === null ? null : new Date(record.sent_at),
    authentication: values.authentication ?? null,
  })
  const find = async () => {
    const [existing] = await sql<
      { id: string; kind: MessageRow['kind']; from_address: string; sent_at: string | null; authentication: MessageRow['authentication'] }[]
    >`
      select id, kind, from_address, sent_at, authentication from messages
      where request_id is not distinct from ${values.requestId ?? null}::uuid and message_id = ${values.messageId}`
    return existing
      ? {
          row: { ...toRow(existing), kind: existing.kind, fromAddress: existing.from_address, authentication: existing.authentication },
          created: false,
        }
      : null
  }
  if (!values.requestId) {
    const existing = await find()
    if (existing) return existing
  }
  const [inserted] = await sql<{ id: string; sent_at: string | null }[]>`
    insert into messages (request_id, direction, kind, from_address, to_addresses, cc_addresses, subject, text, message_id,
      in_reply_to, "references", sent_at, inbound_mail_id, authentication, suggestion, notes)
    values (${values.requestId ?? null}::uuid, ${values.direction}, ${values.kind}, ${values.fromAddress},
      ${JSON.stringify(values.toAddresses ?? [])}::jsonb, ${JSON.stringify(values.ccAddresses ?? [])}::jsonb,
      ${values.subject}, ${values.text}, ${values.messageId}, ${values.inReplyTo ?? null}::text,
      ${JSON.stringify(values.references ?? [])}::jsonb, ${values.sentAt.toISOString()}::timestamptz,
      ${values.inboundMailId ?? null}::uuid, ${jsonOrNull(values.authentication)}::jsonb, ${jsonOrNull(values.suggestion)}::jsonb,
      ${JSON.stringify(values.notes ?? [])}::jsonb)
    on conflict (request_id, message_id) do nothing
    returning id, sent_at`
  if (inserted) return { row: toRow(inserted), created: true }
  return (await find())!
}

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value))

export async function findMessage(db: Executor, id: string): Promise<MessageRow | null> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id))
  return row ?? null
}

/** The message's documents; `publishedOnly` keeps those anyone may see (documents waiting for review are left out). */
function listColumns(publishedOnly = false) {
  const published = publishedOnly ? sql` and ${documents.publishedAt} is not null` : sql``
  return {
    message: messages,
    documentIds: sql<string[]>`case when ${messages.direction} = 'outbound' then
      coalesce((select jsonb_agg(attached.id order by attached.position) from jsonb_array_elements_text(${messages.attachmentDocumentIds})
        with ordinality as attached(id, position) join ${documents} on ${documents.id} = attached.id::uuid where true${published}), '[]'::jsonb)
    else coalesce((select jsonb_agg(${documents.id} order by ${documents.createdAt}, ${documents.id}) from ${documents}
      where ${documents.messageId} = ${messages.id}${published}), '[]'::jsonb) end`,
    deliveryStatus: deliveries.status,
    deliveryError: deliveries.lastError,
  }
}

function toListRow(row: {
  message: MessageRow
  documentIds: string[]
  deliveryStatus: string | null
  deliveryError: string | null
}): MessageListRow {
  return { ...row.message, documentIds: row.documentIds, deliveryStatus: row.deliveryStatus, deliveryError: row.deliveryError }
}

/** A request's messages, oldest first, keyset-paginated on (createdAt, id); one more than `limit`. */
export async function listMessages(
  db: Executor,
  requestId: string,
  after: readonly [string, string] | null,
  limit: number,
  publishedDocumentsOnly: boolean,
): Promise<MessageListRow[]> {
  const rows = await db
    .select(listColumns(publishedDocumentsOnly))
    .from(messages)
    .leftJoin(deliveries, eq(deliveries.id, messages.deliveryId))
    .where(
      and(
        eq(messages.requestId, requestId),
        after ? sql`(${messages.createdAt}, ${messages.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(limit + 1)
  return rows.map(toListRow)
}

/** Messages that matched no request, newest first, keyset-paginated; one more than `limit`. */
export async function listUnmatched(db: Executor, before: readonly [string, string] | null, limit: number): Promise<MessageListRow[]> {
  const rows = await db
    .select(listColumns())
    .from(messages)
    .leftJoin(deliveries, eq(deliveries.id, messages.deliveryId))
    .where(
      and(
        isNull(messages.requestId),
        before ? sql`(${messages.createdAt}, ${messages.id}) < (${before[0]}::timestamptz, ${before[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit + 1)
  return rows.map(toListRow)
}

export async function findListedMessage(db: Executor, id: string): Promise<MessageListRow | null> {
  const [row] = await db
    .select(listColumns())
    .from(messages)
    .leftJoin(deliveries, eq(deliveries.id, messages.deliveryId))
    .where(eq(messages.id, id))
  return row ? toListRow(row) : null
}

/** Locks an unmatched message and gives it to a request; null when it is no longer unmatched. */
export async function assignMessage(db: Executor, id: string, requestId: string): Promise<MessageRow | null> {
  const [row] = await db
    .update(messages)
    .set({ requestId })
    .where(and(eq(messages.id, id), isNull(messages.requestId)))
    .returning()
  return row ?? null
}

/** Whether the request already has a message with this Message-ID. */
export async function hasMessageId(db: Executor, requestId: string, messageId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.requestId, requestId), eq(messages.messageId, messageId)))
  return row !== undefined
}

/** Marks the request's inbound messages read; answers how many were unread. */
export async function markRead(db: Executor, requestId: string): Promise<number> {
  const rows = await db
    .update(messages)
    .set({ readAt: sql`now()` })
    .where(and(eq(messages.requestId, requestId), eq(messages.direction, 'inbound'), isNull(messages.readAt)))
    .returning({ id: messages.id })
  return rows.length
}

/**
 * Remembers the address a reply to a request came from, for the request's agency, unless it is the
 * address the agency lists (then answers false). One statement, plain SQL, prepared (see clientOf).
 */
export async function recordObservedAddress(db: Executor, requestId: string, address: string): Promise<boolean> {
  const rows = await clientOf(db)`
    insert into agency_observed_addresses (agency_id, address)
    select a.id, ${address.toLowerCase()}::text from requests r join agencies a on a.id = r.agency_id
    where r.id = ${requestId}::uuid and lower(coalesce(a.email, '')) <> ${address.toLowerCase()}::text
    on conflict (agency_id, address) do update
      set seen_count = agency_observed_addresses.seen_count + 1, last_seen_at = now()
    returning 1`
  return rows.length > 0
}
