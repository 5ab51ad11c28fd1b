import { sql } from 'drizzle-orm'
import { type Executor, intArray, uuidArray } from '../../db/client.js'
import { type SearchScope, visibleDocument } from '../search/search.repository.js'
import type { SignedPage } from './page-alignment.js'

export interface PageFingerprint {
  page: number
  minhash: number[]
}

export const MAX_NEAR_COPIES = 5_000

export interface SimilarDocument {
  documentId: string
  requestId: string
  title: string
  agency: { id: string; name: string; state: string }
  similarity: number
}

/** Stores a document's page signatures and the LSH keys of its own; each travels as one parameter. */
export async function storeFingerprints(
  db: Executor,
  documentId: string,
  pages: readonly PageFingerprint[],
  bandKeys: readonly number[],
): Promise<void> {
  await db.execute(sql`delete from document_bands where document_id = ${documentId}::uuid`)
  if (pages.length === 0) return
  await db.execute(sql`
    insert into page_signatures (document_id, page, minhash)
    select ${documentId}::uuid, page, minhash
    from jsonb_to_recordset(${JSON.stringify(pages)}::jsonb) as s(page integer, minhash integer[])`)
  await db.execute(sql`
    insert into document_bands (band_key, document_id)
    select distinct key, ${documentId}::uuid from unnest(${intArray(bandKeys)}) as key`)
}

/** Another document with the same bytes whose pages have signatures already, if any. */
export async function fingerprintedCopyOf(db: Executor, sha256: string, exceptId: string): Promise<string | null> {
  const [row] = await db.execute<{ id: string }>(sql`
    select d.id from documents d
    where d.sha256 = ${sha256} and d.id <> ${exceptId}::uuid and d.status = 'ready'
      and exists (select 1 from page_signatures s where s.document_id = d.id)
    limit 1`)
  return row?.id ?? null
}

/** Copies the signatures and keys of a document with the same bytes, page for page (the pages both have). */
export async function copyFingerprints(db: Executor, fromId: string, toId: string): Promise<void> {
  await db.execute(sql`delete from document_bands where document_id = ${toId}::uuid`)
  await db.execute(sql`
    insert into page_signatures (document_id, page, minhash)
    select ${toId}::uuid, s.page, s.minhash from page_signatures s
    join document_pages p on p.document_id = ${toId}::uuid and p.page = s.page
    where s.document_id = ${fromId}::uuid`)
  await db.execute(sql`
    insert into document_bands (band_key, document_id)
    select band_key, ${toId}::uuid from document_bands where document_id = ${fromId}::uuid`)
}

/**
 * Near copies are found one document at a time: a document extracted at the same moment as its
 * copy waits here until the other's signatures are committed, and then finds them.
 */
export async function lockNearCopyMatching(db: Executor): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended('near-copy-matching', 0))`)
}

/** Documents sharing an LSH key with this one. */
export async function candidateCopies(db: Executor, documentId: string): Promise<string[]> {
  const rows = await db.execute<{ document_id: string }>(sql`
    select distinct other.document_id
    from document_bands mine
    join document_bands other on other.band_key = mine.band_key and other.document_id <> mine.document_id
    where mine.document_id = ${documentId}::uuid`)
  return rows.map((row) => row.document_id)
}

/** The page signatures of these documents, pages in order. */
export async function signaturesOf(db: Executor, documentIds: readonly string[]): Promise<Map<string, SignedPage[]>> {
  const signatures = new Map<string, SignedPage[]>(documentIds.map((id) => [id, []]))
  if (documentIds.length === 0) return signatures
  // As text: the driver hands integer arrays over unparsed.
  const rows = await db.execute<{ document_id: string; page: number; minhash: string }>(sql`
    select document_id, page, array_to_string(minhash, ',') as minhash from page_signatures
    where document_id = any(${uuidArray(documentIds)})
    order by document_id, page`)
  for (const row of rows) signatures.get(row.document_id)?.push({ page: row.page, signature: row.minhash.split(',').map(Number) })
  return signatures
}

/** Replaces the document's near copies (both ways round) with these. */
export async function replaceNearCopies(
  db: Executor,
  documentId: string,
  copies: readonly { copyId: string; similarity: number }[],
): Promise<void> {
  await forgetNearCopies(db, documentId)
  if (copies.length === 0) return
  const values = JSON.stringify(copies.map(({ copyId, similarity }) => ({ copy_id: copyId, similarity })))
  await db.execute(sql`
    insert into near_copies (document_id, copy_id, similarity)
    select ${documentId}::uuid, copy_id, similarity from jsonb_to_recordset(${values}::jsonb) as c(copy_id uuid, similarity real)
    union all
    select copy_id, ${documentId}::uuid, similarity from jsonb_to_recordset(${values}::jsonb) as c(copy_id uuid, similarity real)`)
}

export async function forgetNearCopies(db: Executor, documentId: string): Promise<void> {
  await db.execute(sql`delete from near_copies where document_id = ${documentId}::uuid or copy_id = ${documentId}::uuid`)
}

/**
 * The document's near copies that may be shown in `scope`, most similar first (at most MAX_NEAR_COPIES
 * of them, far more than one standard text is released as).
 */
export async function similarDocuments(db: Executor, documentId: string, scope: SearchScope): Promise<SimilarDocument[]> {
  const rows = await db.execute<{
    copy_id: string
    similarity: number
    request_id: string
    title: string
    agency_id: string
    agency_name: string
    agency_state: string
  }>(sql`
    select n.copy_id, n.similarity, d.request_id, d.title, a.id as agency_id, a.name as agency_name, a.state as agency_state
    from near_copies n
    join documents d on d.id = n.copy_id
    join requests r on r.id = d.request_id
    join agencies a on a.id = r.agency_id
    where n.document_id = ${documentId}::uuid and ${visibleDocument(scope, sql`n.copy_id`)}
    order by n.similarity desc, n.copy_id
    limit ${MAX_NEAR_COPIES}`)
  return rows.map((row) => ({
    documentId: row.copy_id,
    requestId: row.request_id,
    title: row.title,
    agency: { id: row.agency_id, name: row.agency_name, state: row.agency_state },
    similarity: row.similarity,
  }))
}

/** For each of these documents, its near copies that may be shown in `scope`. */
export async function visibleNearCopies(db: Executor, documentIds: readonly string[], scope: SearchScope): Promise<Map<string, string[]>> {
  const copies = new Map<string, string[]>(documentIds.map((id) => [id, []]))
  if (documentIds.length === 0) return copies
  const rows = await db.execute<{ document_id: string; copy_id: string }>(sql`
    select n.document_id, n.copy_id from near_copies n
    where n.document_id = any(${uuidArray(documentIds)}) and ${visibleDocument(scope, sql`n.copy_id`)}`)
  for (const row of rows) copies.get(row.document_id)?.push(row.copy_id)
  return copies
}
