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

/**
 * Near copies are found one document at a time: storing a document's fingerprints takes this lock,
 * held to the end of the transaction, so a document extracted at the same moment as its copy waits
 * until the other's signatures are committed, and then finds them.
 */
const nearCopyMatchingLock = sql`select pg_advisory_xact_lock(hashtextextended('near-copy-matching', 0))`

/**
 * Stores a document's page signatures and the LSH keys of its own in place of those it had, then
 * takes the matching lock: one statement (a round trip each costs more than the writing), each list
 * one parameter.
 */
export async function storeFingerprints(
  db: Executor,
  documentId: string,
  pages: readonly PageFingerprint[],
  bandKeys: readonly number[],
): Promise<void> {
  await db.execute(sql`
    with stale_signatures as (
      delete from page_signatures
      where document_id = ${documentId}::uuid and page <> all(${intArray(pages.map((page) => page.page))})
    ), signatures as (
      insert into page_signatures (document_id, page, minhash)
      select ${documentId}::uuid, page, minhash
      from jsonb_to_recordset(${JSON.stringify(pages)}::jsonb) as s(page integer, minhash integer[])
      on conflict (document_id, page) do update set minhash = excluded.minhash
    ), stale_keys as (
      delete from document_bands where document_id = ${documentId}::uuid and band_key <> all(${intArray(bandKeys)})
    ), keys as (
      insert into document_bands (band_key, document_id)
      select distinct key, ${documentId}::uuid from unnest(${intArray(bandKeys)}) as key
      on conflict do nothing
    )
    ${nearCopyMatchingLock}`)
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

/**
 * Copies the signatures and keys of a document with the same bytes, page for page (the pages both
 * have), in place of those it had, then takes the matching lock; one statement.
 */
export async function copyFingerprints(db: Executor, fromId: string, toId: string): Promise<void> {
  await db.execute(sql`
    with copied as (
      select s.page, s.minhash from page_signatures s
      join document_pages p on p.document_id = ${toId}::uuid and p.page = s.page
      where s.document_id = ${fromId}::uuid
    ), stale_signatures as (
      delete from page_signatures where document_id = ${toId}::uuid and page not in (select page from copied)
    ), signatures as (
      insert into page_signatures (document_id, page, minhash)
      select ${toId}::uuid, page, minhash from copied
      on conflict (document_id, page) do update set minhash = excluded.minhash
    ), stale_keys as (
      delete from document_bands
      where document_id = ${toId}::uuid and band_key not in (select band_key from document_bands where document_id = ${fromId}::uuid)
    ), keys as (
      insert into document_bands (band_key, document_id)
      select band_key, ${toId}::uuid from document_bands where document_id = ${fromId}::uuid
      on conflict do nothing
    )
    ${nearCopyMatchingLock}`)
}

/** The page signatures of these documents, pages in order. */
export async function signaturesOf(db: Executor, documentIds: readonly string[]): Promise<Map<string, SignedPage[]>> {
  const signatures = new Map<string, SignedPage[]>(documentIds.map((id) => [id, []]))
  if (documentIds.length === 0) return signatures
  const rows = await db.execute<{ document_id: string; page: number; minhash: string }>(sql`
    select document_id, page, array_to_string(minhash, ',') as minhash from page_signatures
    where document_id = any(${uuidArray(documentIds)})
    order by document_id, page`)
  return signaturesByDocument(rows, signatures)
}

/**
 * Under the matching lock: forgets the document's near copies (both ways round) and returns the page
 * signatures of the documents sharing an LSH key with it (its candidate near copies), pages in
 * order; one statement.
 */
export async function forgetCopiesAndFindCandidates(db: Executor, documentId: string): Promise<Map<string, SignedPage[]>> {
  const rows = await db.execute<{ document_id: string; page: number; minhash: string }>(sql`
    with forgotten as (
      delete from near_copies where document_id = ${documentId}::uuid or copy_id = ${documentId}::uuid
    )
    select s.document_id, s.page, array_to_string(s.minhash, ',') as minhash from page_signatures s
    where s.document_id in (
      select other.document_id
      from document_bands mine
      join document_bands other on other.band_key = mine.band_key and other.document_id <> mine.document_id
      where mine.document_id = ${documentId}::uuid)
    order by s.document_id, s.page`)
  return signaturesByDocument(rows, new Map())
}

/** Signature rows (the array as text: the driver hands integer arrays over unparsed) added to `signatures`. */
function signaturesByDocument(
  rows: Iterable<{ document_id: string; page: number; minhash: string }>,
  signatures: Map<string, SignedPage[]>,
): Map<string, SignedPage[]> {
  for (const row of rows) {
    const pages = signatures.get(row.document_id) ?? []
    if (pages.length === 0) signatures.set(row.document_id, pages)
    pages.push({ page: row.page, signature: row.minhash.split(',').map(Number) })
  }
  return signatures
}

/** Stores the document's near copies, both ways round (its old ones are forgotten already). */
export async function storeNearCopies(
  db: Executor,
  documentId: string,
  copies: readonly { copyId: string; similarity: number }[],
): Promise<void> {
  if (copies.length === 0) return
  const values = JSON.stringify(copies.map(({ copyId, similarity }) => ({ copy_id: copyId, similarity })))
  await db.execute(sql`
    with copies as (select copy_id, similarity from jsonb_to_recordset(${values}::jsonb) as c(copy_id uuid, similarity real))
    insert into near_copies (document_id, copy_id, similarity)
    select ${documentId}::uuid, copy_id, similarity from copies
    union all
    select copy_id, ${documentId}::uuid, similarity from copies`)
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
