import { and, asc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { documentPageOriginals, documentPages, documentRedactions, documents } from '../../db/schema/index.js'

export type RedactionRow = typeof documentRedactions.$inferSelect

export async function listRedactions(db: Executor, documentId: string): Promise<RedactionRow[]> {
  return db
    .select()
    .from(documentRedactions)
    .where(eq(documentRedactions.documentId, documentId))
    .orderBy(asc(documentRedactions.page), asc(documentRedactions.createdAt), asc(documentRedactions.id))
}

export async function insertRedactions(
  db: Executor,
  documentId: string,
  createdBy: string,
  items: readonly { page: number; text: string }[],
): Promise<void> {
  if (items.length === 0) return
  await db
    .insert(documentRedactions)
    .values(items.map((item) => ({ documentId, createdBy, page: item.page, text: item.text })))
    .onConflictDoNothing({ target: [documentRedactions.documentId, documentRedactions.page, documentRedactions.text] })
}

export async function deleteRedaction(db: Executor, documentId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(documentRedactions)
    .where(and(eq(documentRedactions.documentId, documentId), eq(documentRedactions.id, id)))
    .returning({ id: documentRedactions.id })
  return rows.length > 0
}

/** Each page's text before any redaction: the saved original where the page has redactions, else its text. */
export async function originalPages(db: Executor, documentId: string): Promise<{ page: number; text: string }[]> {
  return db
    .select({ page: documentPages.page, text: sql<string>`coalesce(${documentPageOriginals.text}, ${documentPages.text})` })
    .from(documentPages)
    .leftJoin(
      documentPageOriginals,
      and(eq(documentPageOriginals.documentId, documentPages.documentId), eq(documentPageOriginals.page, documentPages.page)),
    )
    .where(eq(documentPages.documentId, documentId))
    .orderBy(asc(documentPages.page))
}

/**
 * Gives pages their public text: a redacted page keeps its original aside and shows the redacted
 * text (which search indexes); a page with no redaction left gets its original back.
 */
export async function setPublicTexts(
  db: Executor,
  documentId: string,
  pages: readonly { page: number; original: string; public: string }[],
): Promise<void> {
  for (const page of pages) {
    const redacted = page.public !== page.original
    if (redacted) {
      await db
        .insert(documentPageOriginals)
        .values({ documentId, page: page.page, text: page.original })
        .onConflictDoUpdate({ target: [documentPageOriginals.documentId, documentPageOriginals.page], set: { text: page.original } })
    } else {
      await db
        .delete(documentPageOriginals)
        .where(and(eq(documentPageOriginals.documentId, documentId), eq(documentPageOriginals.page, page.page)))
    }
    await db
      .update(documentPages)
      .set({ text: page.public })
      .where(and(eq(documentPages.documentId, documentId), eq(documentPages.page, page.page), sql`${documentPages.text} <> ${page.public}`))
  }
}

/**
 * Records a change of the redactions: the public note (count, pages) and a new version, whose
 * rendition is pending (or, with no redaction left, the original itself, ready at once). Answers
 * the new version.
 */
export async function recordRedactionChange(
  db: Executor,
  documentId: string,
  redactionCount: number,
  redactedPages: number[],
): Promise<number> {
  const [row] = await db
    .update(documents)
    .set({
      redactionCount,
      redactedPages,
      redactionsVersion: sql`${documents.redactionsVersion} + 1`,
      renditionStatus: redactionCount === 0 ? 'ready' : 'pending',
      renditionError: null,
      updatedAt: sql`now()`,
    })
    .where(eq(documents.id, documentId))
    .returning({ version: documents.redactionsVersion })
  return row!.version
}

/** The document's redactions version and rendition, read under a row lock. */
export async function lockRendition(db: Executor, documentId: string) {
  const [row] = await db
    .select({ version: documents.redactionsVersion, status: documents.renditionStatus, sha256: documents.renditionSha256 })
    .from(documents)
    .where(eq(documents.id, documentId))
    .for('update')
  return row ?? null
}

/** Puts a rendition (null: none, the original is the public file) in place as ready. */
export async function setRendition(db: Executor, documentId: string, rendition: { sha256: string; size: number } | null): Promise<void> {
  await db
    .update(documents)
    .set({
      renditionSha256: rendition?.sha256 ?? null,
      renditionSize: rendition?.size ?? null,
      renditionStatus: 'ready',
      renditionError: null,
      updatedAt: sql`now()`,
    })
    .where(eq(documents.id, documentId))
}

/** Marks the rendition of a version failed, unless the redactions have changed since. */
export async function failRendition(db: Executor, documentId: string, version: number, reason: string): Promise<void> {
  await db
    .update(documents)
    .set({ renditionStatus: 'failed', renditionError: reason, updatedAt: sql`now()` })
    .where(and(eq(documents.id, documentId), eq(documents.redactionsVersion, version), eq(documents.renditionStatus, 'pending')))
}

/** Documents whose rendition waits to be built, oldest change first. */
export async function pendingRenditions(db: Executor, limit: number): Promise<{ documentId: string; version: number }[]> {
  return db
    .select({ documentId: documents.id, version: documents.redactionsVersion })
    .from(documents)
    .where(eq(documents.renditionStatus, 'pending'))
    .orderBy(asc(documents.updatedAt))
    .limit(limit)
}

/** Serialises redaction changes of one document: each rebuild sees the previous one's result. */
export async function lockDocumentRedactions(db: Executor, documentId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`redactions:${documentId}`}, 0))`)
}
