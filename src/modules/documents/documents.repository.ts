import { and, asc, desc, eq, isNotNull, or, sql } from 'drizzle-orm'
import { clientOf, type Executor, inUuids } from '../../db/client.js'
import { documentPages, documentRedactions, documents, inboundMail, originalAccesses, users } from '../../db/schema/index.js'
import { storableText } from './page-text.js'

export type DocumentRow = typeof documents.$inferSelect
export type DocumentInsert = typeof documents.$inferInsert

export interface PageText {
  page: number
  text: string
  needsOcr: boolean
}

/** Inserts a document, or answers the one the request already holds with the same bytes. */
export async function insertOrFindDocument(db: Executor, values: DocumentInsert): Promise<{ row: DocumentRow; created: boolean }> {
  const [inserted] = await db
    .insert(documents)
    .values(values)
    .onConflictDoNothing({ target: [documents.requestId, documents.sha256] })
    .returning()
  if (inserted) return { row: inserted, created: true }
  const [existing] = await db
    .select()
    .from(documents)
    .where(and(eq(documents.requestId, values.requestId), eq(documents.sha256, values.sha256)))
  return { row: existing!, created: false }
}

/**
 * insertOrFindDocument answering only the id: plain SQL, prepared (see clientOf), for ingest, which
 * records every attachment of every message.
 */
export async function insertOrFindDocumentId(
  db: Executor,
  values: DocumentInsert & { receivedAt: Date },
): Promise<{ id: string; created: boolean }> {
  const sql = clientOf(db)
  const [inserted] = await sql<{ id: string }[]>`
    insert into documents (request_id, source, message_id, title, kind, filename, mime_type, size, sha256, received_at)
    values (${values.requestId}::uuid, ${values.source ?? 'upload'}::text, ${values.messageId ?? null}::uuid, ${values.title}, ${values.kind}::text,
      ${values.filename}, ${values.mimeType}, ${values.size}, ${values.sha256}, ${values.receivedAt.toISOString()}::timestamptz)
    on conflict (request_id, sha256) do nothing
    returning id`
  if (inserted) return { id: inserted.id, created: true }
  const [existing] = await sql<
    { id: string }[]
  >`select id from documents where request_id = ${values.requestId}::uuid and sha256 = ${values.sha256}`
  return { id: existing!.id, created: false }
}

export async function findDocument(db: Executor, id: string): Promise<DocumentRow | null> {
  const [row] = await db.select().from(documents).where(eq(documents.id, id))
  return row ?? null
}

/** These documents, in the order of `ids` (unknown ids are left out). */
export async function findDocuments(db: Executor, ids: readonly string[]): Promise<DocumentRow[]> {
  if (ids.length === 0) return []
  const rows = await db.select().from(documents).where(inUuids(documents.id, ids))
  const byId = new Map(rows.map((row) => [row.id, row]))
  return ids.flatMap((id) => byId.get(id.toLowerCase()) ?? [])
}

/** A request's documents, oldest first, keyset-paginated on (createdAt, id). */
export async function listDocuments(
  db: Executor,
  requestId: string,
  after: readonly [string, string] | null,
  limit: number,
  publishedOnly: boolean,
): Promise<DocumentRow[]> {
  const [createdAt, id] = after ?? []
  return db
    .select()
    .from(documents)
    .where(
      and(
        eq(documents.requestId, requestId),
        publishedOnly ? isNotNull(documents.publishedAt) : undefined,
        after
          ? or(
              sql`${documents.createdAt} > ${createdAt}::timestamptz`,
              and(sql`${documents.createdAt} = ${createdAt}::timestamptz`, sql`${documents.id} > ${id}::uuid`),
            )
          : undefined,
      ),
    )
    .orderBy(asc(documents.createdAt), asc(documents.id))
    .limit(limit + 1)
}

/** A document's pages in order, or only page `page`. */
export async function listPages(db: Executor, documentId: string, page?: number): Promise<PageText[]> {
  return db
    .select({ page: documentPages.page, text: documentPages.text, needsOcr: documentPages.needsOcr })
    .from(documentPages)
    .where(and(eq(documentPages.documentId, documentId), page === undefined ? undefined : eq(documentPages.page, page)))
    .orderBy(asc(documentPages.page))
}

/** The document and every attachment under it (an email's, an attachment's own), with their bytes' keys. */
export async function documentTree(db: Executor, id: string): Promise<{ id: string; sha256: string; renditionSha256: string | null }[]> {
  const rows = await db.execute<{ id: string; sha256: string; rendition_sha256: string | null }>(sql`
    with recursive tree as (
      select id, sha256, rendition_sha256 from ${documents} where id = ${id}::uuid
      union all
      select child.id, child.sha256, child.rendition_sha256 from ${documents} child join tree on child.parent_id = tree.id
    )
    select id, sha256, rendition_sha256 from tree`)
  return rows.map((row) => ({ id: row.id, sha256: row.sha256, renditionSha256: row.rendition_sha256 }))
}

/** The storage keys of a request's documents and their redacted renditions. */
export async function fileKeysOfRequest(db: Executor, requestId: string): Promise<string[]> {
  const rows = await db
    .select({ sha256: documents.sha256, rendition: documents.renditionSha256 })
    .from(documents)
    .where(eq(documents.requestId, requestId))
  return [...new Set(rows.flatMap((row) => (row.rendition ? [row.sha256, row.rendition] : [row.sha256])))]
}

export async function setPublishedAt(db: Executor, id: string, publishedAt: Date | null): Promise<DocumentRow | null> {
  const [row] = await db.update(documents).set({ publishedAt, updatedAt: sql`now()` }).where(eq(documents.id, id)).returning()
  return row ?? null
}

export async function logOriginalAccess(db: Executor, documentId: string, userId: string): Promise<void> {
  await db.insert(originalAccesses).values({ documentId, userId })
}

/** A document's original-access log, newest first, keyset-paginated on (accessedAt, id). */
export async function listOriginalAccesses(db: Executor, documentId: string, before: readonly [string, string] | null, limit: number) {
  return db
    .select({ id: originalAccesses.id, userId: originalAccesses.userId, userName: users.name, accessedAt: originalAccesses.accessedAt })
    .from(originalAccesses)
    .leftJoin(users, eq(users.id, originalAccesses.userId))
    .where(
      and(
        eq(originalAccesses.documentId, documentId),
        before
          ? sql`(${originalAccesses.accessedAt}, ${originalAccesses.id}) < (${before[0]}::timestamptz, ${before[1]}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(originalAccesses.accessedAt), desc(originalAccesses.id))
    .limit(limit + 1)
}

export async function deleteDocument(db: Executor, id: string): Promise<void> {
  await db.delete(documents).where(eq(documents.id, id))
}

/** Whether any document, or a raw inbound message (kept for good), still points at these bytes. */
export async function isReferenced(db: Executor, sha256: string): Promise<boolean> {
  const [row] = await db
    .select({ id: documents.id })
    .from(documents)
    .where(or(eq(documents.sha256, sha256), eq(documents.renditionSha256, sha256)))
    .limit(1)
  if (row) return true
  const [mail] = await db.select({ id: inboundMail.id }).from(inboundMail).where(eq(inboundMail.sha256, sha256)).limit(1)
  return mail !== undefined
}

/**
 * Serialises writers of one stored file until the transaction ends, so an upload that puts the
 * bytes back and a deletion that removes them cannot interleave.
 */
export async function lockStoredFile(db: Executor, sha256: string): Promise<void> {
  // Plain SQL, prepared (see clientOf): every upload and every ingested message takes these locks.
  await clientOf(db)`select pg_advisory_xact_lock(hashtextextended(${`document-bytes:${sha256}`}, 0))`
}

export async function removePages(db: Executor, documentId: string): Promise<void> {
  await db.delete(documentPages).where(eq(documentPages.documentId, documentId))
}

/** Adds pages to a document; they travel as one JSON parameter, and triggers fill their search columns. */
export async function insertPages(db: Executor, documentId: string, pages: readonly PageText[]): Promise<void> {
  if (pages.length === 0) return
  const values = JSON.stringify(pages.map((page) => ({ page: page.page, text: page.text, needs_ocr: page.needsOcr })))
  await db.execute(sql`
    insert into ${documentPages} (document_id, page, text, needs_ocr)
    select ${documentId}::uuid, page, text, needs_ocr from jsonb_to_recordset(${values}::jsonb) as page(page integer, text text, needs_ocr boolean)`)
}

/**
 * Begins an extraction attempt: counts it and stamps its start, before any reading, so an attempt
 * whose worker is killed still counts. Answers the attempt's number, or null when the document no
 * longer waits.
 */
export async function beginAttempt(db: Executor, documentId: string): Promise<number | null> {
  const [row] = await db
    .update(documents)
    .set({ extractionAttempts: sql`${documents.extractionAttempts} + 1`, extractionStartedAt: sql`now()`, pagesRead: 0, pagesTotal: null })
    .where(and(eq(documents.id, documentId), eq(documents.status, 'processing')))
    .returning({ attempts: documents.extractionAttempts })
  return row?.attempts ?? null
}

/** Pages read so far, written outside the extraction's transaction so that progress shows while it runs. */
export async function recordProgress(db: Executor, documentId: string, pagesRead: number, pagesTotal: number | null): Promise<void> {
  await db
    .update(documents)
    .set({ pagesRead, pagesTotal })
    .where(and(eq(documents.id, documentId), eq(documents.status, 'processing')))
}

/**
 * Fails the documents whose attempts are spent: as many begun as allowed, and the last one over
 * (begun longer ago than an attempt may run), so it was interrupted. Answers their ids.
 */
export async function failSpentAttempts(db: Executor, maxAttempts: number, leaseSeconds: number): Promise<string[]> {
  const rows = await db
    .update(documents)
    .set({
      status: 'failed',
      error: `Text extraction was begun ${maxAttempts} times and never finished (the worker stopped while reading it).`,
      extractionStartedAt: null,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(documents.status, 'processing'),
        sql`${documents.extractionAttempts} >= ${maxAttempts}`,
        sql`(${documents.extractionStartedAt} is null or ${documents.extractionStartedAt} < now() - make_interval(secs => ${leaseSeconds}))`,
      ),
    )
    .returning({ id: documents.id })
  return rows.map((row) => row.id)
}

export async function markReady(db: Executor, documentId: string, pageCount: number, note: string | null = null): Promise<void> {
  await db
    .update(documents)
    .set({ status: 'ready', pageCount, pagesRead: pageCount, error: note, extractionStartedAt: null, updatedAt: sql`now()` })
    .where(and(eq(documents.id, documentId), eq(documents.status, 'processing')))
}

export async function markFailed(db: Executor, documentId: string, error: string): Promise<void> {
  await db
    .update(documents)
    .set({ status: 'failed', error: storableText(error), extractionStartedAt: null, updatedAt: sql`now()` })
    .where(and(eq(documents.id, documentId), eq(documents.status, 'processing')))
}

/** Ready documents with pages that wait for OCR, put back to be read again; answers their ids. */
export async function reopenForOcr(db: Executor): Promise<string[]> {
  const rows = await db
    .update(documents)
    .set({
      status: 'processing',
      extractionAttempts: 0,
      extractionStartedAt: null,
      pagesRead: null,
      pagesTotal: null,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(documents.status, 'ready'),
        sql`exists (select 1 from ${documentPages} where ${documentPages.documentId} = ${documents.id} and ${documentPages.needsOcr})`,
        // Reading again would put back the text its redactions took out of the public pages.
        sql`not exists (select 1 from ${documentRedactions} where ${documentRedactions.documentId} = ${documents.id})`,
      ),
    )
    .returning({ id: documents.id })
  return rows.map((row) => row.id)
}

/**
 * Documents still waiting for extraction, oldest first, in keyset pages, for re-queueing after Redis
 * lost their jobs; `interrupted` when an attempt began longer ago than an attempt may run.
 */
export async function processingPage(
  db: Executor,
  after: readonly [Date, string] | null,
  limit: number,
  leaseSeconds: number,
): Promise<{ id: string; createdAt: Date; interrupted: boolean }[]> {
  return db
    .select({
      id: documents.id,
      createdAt: documents.createdAt,
      interrupted: sql<boolean>`coalesce(${documents.extractionStartedAt} < now() - make_interval(secs => ${leaseSeconds}), false)`,
    })
    .from(documents)
    .where(
      and(
        eq(documents.status, 'processing'),
        after ? sql`(${documents.createdAt}, ${documents.id}) > (${after[0].toISOString()}::timestamptz, ${after[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(documents.createdAt), asc(documents.id))
    .limit(limit)
}
