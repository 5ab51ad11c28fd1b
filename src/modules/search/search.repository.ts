import { type SQL, sql } from 'drizzle-orm'
import { type Executor, intArray, uuidArray } from '../../db/client.js'
import { guardTags, HEADLINE_OPTIONS, TAG_GUARD, WHOLE_TEXT_HEADLINE_OPTIONS } from './snippet.js'

/** Whose pages a search may return: anyone's public ones, plus the caller's own, or (admins) all. */
export type SearchScope = { kind: 'public' } | { kind: 'own'; userId: string } | { kind: 'all' }

export interface SearchFilters {
  state?: string
  agencyId?: string
  kind?: string
  receivedFrom?: string
  receivedTo?: string
}

/** Counts of matching pages for each (state, kind) that occurs. */
export type CountGrid = { state: string; kind: string; count: number }[]

export interface RankedHit {
  documentId: string
  page: number
  rank: number
}

export interface DisplayedHit extends RankedHit {
  requestId: string
  title: string
  agency: { id: string; name: string; state: string }
  headline: string
}

const tsquery = (q: string) => sql`websearch_to_tsquery('english', ${q})`

/**
 * Whether the page `p` (document_pages) may be shown in this scope: the one statement of who may
 * find what, used by search and near copies alike.
 */
export function visibleTo(scope: SearchScope): SQL {
  if (scope.kind === 'all') return sql`true`
  if (scope.kind === 'public') return sql`p.public`
  return sql`(p.public or p.owner_id = ${scope.userId}::uuid)`
}

/**
 * Whether a document may be shown (or counted) in this scope: its pages may be. A document without
 * text is found by nothing that uses this (near copies are made of pages).
 */
export function visibleDocument(scope: SearchScope, documentId: SQL): SQL {
  return sql`exists (select 1 from document_pages p where p.document_id = ${documentId} and ${visibleTo(scope)})`
}

/** The filters facets are counted under: all but state and kind, which each facet ignores for itself. */
function baseFilters(filters: SearchFilters): SQL[] {
  const where: SQL[] = []
  if (filters.agencyId) where.push(sql`p.agency_id = ${filters.agencyId}::uuid`)
  if (filters.receivedFrom) where.push(sql`p.received_on >= ${filters.receivedFrom}::date`)
  if (filters.receivedTo) where.push(sql`p.received_on <= ${filters.receivedTo}::date`)
  return where
}

function facetFilters(filters: SearchFilters): SQL[] {
  const where: SQL[] = []
  if (filters.state) where.push(sql`p.state = ${filters.state}`)
  if (filters.kind) where.push(sql`p.kind = ${filters.kind}`)
  return where
}

const and = (conditions: SQL[]) => sql.join(conditions, sql` and `)

/** Totals and facets are exact up to this many matching pages; beyond, "at least" (as Elasticsearch counts). */
export const EXACT_COUNT_LIMIT = 10_000

/**
 * What a search matches: the pages with the query's words or, browsing (no words, only filters),
 * each document's first page, so that a document is one result.
 */
function matching(q: string): SQL {
  return q ? sql`p.tsv @@ ${tsquery(q)}` : sql`p.page = 1`
}

/**
 * How many pages match, by state and kind, under every filter but state and kind, counted over at
 * most EXACT_COUNT_LIMIT + 1 of them: past that the counts are a sample (`capped`), and counting the
 * rest would cost as much as reading every match.
 */
export async function countGrid(
  db: Executor,
  q: string,
  scope: SearchScope,
  filters: SearchFilters,
): Promise<{ cells: CountGrid; capped: boolean }> {
  const rows = await db.execute<{ state: string; kind: string; count: number }>(sql`
    select state, kind, count(*)::int as count
    from (
      select p.state, p.kind from document_pages p
      where ${and([matching(q), visibleTo(scope), ...baseFilters(filters)])}
      limit ${EXACT_COUNT_LIMIT + 1}
    ) as sample
    group by state, kind`)
  const cells = [...rows]
  return { cells, capped: cells.reduce((total, cell) => total + cell.count, 0) > EXACT_COUNT_LIMIT }
}

/** Matching pages under every filter, counted up to EXACT_COUNT_LIMIT + 1. */
export async function countUpToLimit(db: Executor, q: string, scope: SearchScope, filters: SearchFilters): Promise<number> {
  const [row] = await db.execute<{ count: number }>(sql`
    select count(*)::int as count from (
      select 1 from document_pages p
      where ${and([matching(q), visibleTo(scope), ...baseFilters(filters), ...facetFilters(filters)])}
      limit ${EXACT_COUNT_LIMIT + 1}
    ) as sample`)
  return row?.count ?? 0
}

/**
 * Matching pages, best first (cover density, damped for long pages; ties by document and page);
 * browsing, the newest documents first.
 */
export async function rankedHits(
  db: Executor,
  q: string,
  scope: SearchScope,
  filters: SearchFilters,
  limit: number,
  offset: number,
): Promise<RankedHit[]> {
  const where = and([matching(q), visibleTo(scope), ...baseFilters(filters), ...facetFilters(filters)])
  const rows = q
    ? await db.execute<{ document_id: string; page: number; rank: number }>(sql`
        select p.document_id, p.page, ts_rank_cd(p.tsv, ${tsquery(q)}, 1) as rank
        from document_pages p
        where ${where}
        order by rank desc, p.document_id, p.page
        limit ${limit} offset ${offset}`)
    : await db.execute<{ document_id: string; page: number; rank: number }>(sql`
        select p.document_id, p.page, 0::real as rank
        from document_pages p
        where ${where}
        order by p.received_on desc, p.document_id
        limit ${limit} offset ${offset}`)
  return rows.map((row) => ({ documentId: row.document_id, page: row.page, rank: row.rank }))
}

// Browsing has no matches to show: a snippet is the page's first 35 words.
const BROWSE_SNIPPET = '^\\s*((?:\\S+\\s+){0,34}\\S*)'

/**
 * What a results page shows of each hit, in the order given: title, agency and a snippet. The
 * visibility check is made again here, so a hit from a cached ranking never shows a page that has
 * become private since.
 */
export async function displayHits(db: Executor, q: string, scope: SearchScope, hits: readonly RankedHit[]): Promise<DisplayedHit[]> {
  if (hits.length === 0) return []
  const rows = await db.execute<{
    position: number
    request_id: string
    title: string
    agency_id: string
    agency_name: string
    agency_state: string
    headline: string
  }>(sql`
    select hit.position::int as position, p.request_id, d.title, a.id as agency_id, a.name as agency_name, a.state as agency_state,
           ${q ? sql`ts_headline('english', ${sql.raw(guardTags('p.text'))}, ${tsquery(q)}, ${HEADLINE_OPTIONS})` : sql`substring(p.text from ${BROWSE_SNIPPET})`} as headline
    from unnest(${uuidArray(hits.map((hit) => hit.documentId))}, ${intArray(hits.map((hit) => hit.page))}) with ordinality as hit(document_id, page, position)
    join document_pages p on p.document_id = hit.document_id and p.page = hit.page
    join documents d on d.id = p.document_id
    join agencies a on a.id = p.agency_id
    where ${visibleTo(scope)}
    order by hit.position`)
  return rows.map((row) => {
    const hit = hits[row.position - 1]!
    return {
      ...hit,
      requestId: row.request_id,
      title: row.title,
      agency: { id: row.agency_id, name: row.agency_name, state: row.agency_state },
      headline: row.headline,
    }
  })
}

export async function currentSearchVersion(db: Executor): Promise<number> {
  const [row] = await db.execute<{ version: string }>(sql`select version from search_version where id = 1`)
  return Number(row?.version ?? 0)
}

/** `text` with every match of the query between MATCH_START and MATCH_END, as search's snippets mark them. */
export async function markWholeText(db: Executor, text: string, q: string): Promise<string> {
  const [row] = await db.execute<{ headline: string }>(sql`
    select ts_headline('english', replace(${text}, '<', '<' || ${TAG_GUARD}), ${tsquery(q)}, ${WHOLE_TEXT_HEADLINE_OPTIONS}) as headline`)
  return row?.headline ?? text
}
