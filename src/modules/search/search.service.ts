import { createHash } from 'node:crypto'
import type { AppContext } from '../../context.js'
import { isQueryCanceled } from '../../db/errors.js'
import { UnavailableError } from '../../errors.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { visibleNearCopies } from '../near-copies/near-copies.repository.js'
import * as repository from './search.repository.js'
import type { SearchQuery, SearchResults } from './search.schemas.js'
import { storeBounded } from './search-cache.js'
import { toSnippetHtml } from './snippet.js'

export type SearchDeps = Pick<AppContext, 'searchDatabase' | 'redis' | 'config'>

/** The ranking is cached this deep; further pages are ranked on demand. */
const CACHED_HITS = 100
/** Collapsing ranks this many hits per hit shown, and at most MAX_COLLAPSE_WINDOW. */
const COLLAPSE_OVERSAMPLING = 4
const MAX_COLLAPSE_WINDOW = 2_000

export function scopeOf(user: AuthUser | null): repository.SearchScope {
  if (!user) return { kind: 'public' }
  return user.role === 'admin' ? { kind: 'all' } : { kind: 'own', userId: user.id }
}

/**
 * Pages matching a web-search query, best first, with snippets and facet counts. Answers, and the
 * counts and ranking they are made from (shared by every page and filter of a query), are cached
 * in Redis under the database's search version, which triggers raise on any change to what search
 * could find or show: a cached answer is never older than the data.
 */
export async function search(deps: SearchDeps, user: AuthUser | null, query: SearchQuery): Promise<SearchResults> {
  const scope = scopeOf(user)
  const filters: repository.SearchFilters = {
    state: query.state,
    agencyId: query.agencyId,
    kind: query.kind,
    receivedFrom: query.receivedFrom,
    receivedTo: query.receivedTo,
  }
  const q = query.q.replace(/\s+/g, ' ')
  try {
    const cache = deps.config.searchCache.seconds > 0 ? await cacheFor(deps, scope, q, filters, query) : null
    // A whole answer is kept whatever it cost: repeating a search then reads one key.
    return await cached(
      deps,
      cache?.answer,
      () => answer(deps, { q, scope, filters, offset: query.offset, limit: query.limit, collapse: query.collapse }, cache),
      0,
    )
  } catch (error) {
    if (!isQueryCanceled(error)) throw error
    const seconds = deps.config.searchDatabase.statementTimeoutMs / 1000
    throw new UnavailableError(
      'search-timeout',
      `The search took longer than ${seconds} s and was stopped. Try more specific words, fewer exclusions, or a filter.`,
    )
  }
}

/**
 * A page's text as safe HTML with every word the query matches in `<mark>` (the document viewer):
 * the same matching as search, escaped the same way as its snippets.
 */
export async function markMatches(deps: Pick<SearchDeps, 'searchDatabase'>, text: string, q: string): Promise<string> {
  return toSnippetHtml(await repository.markWholeText(deps.searchDatabase.db, text, q.replace(/\s+/g, ' ')))
}

interface Search {
  q: string
  scope: repository.SearchScope
  filters: repository.SearchFilters
  offset: number
  limit: number
  collapse: boolean
}

async function answer(
  deps: SearchDeps,
  { q, scope, filters, offset, limit, collapse }: Search,
  cache: SearchCacheKeys | null,
): Promise<SearchResults> {
  const db = deps.searchDatabase.db
  // Folding near copies drops hits, so more are ranked than shown: enough for the page asked for.
  const window = collapse ? Math.min(MAX_COLLAPSE_WINDOW, Math.max(CACHED_HITS, (offset + limit) * COLLAPSE_OVERSAMPLING)) : 0
  const first = collapse ? 0 : offset
  const end = collapse ? window : offset + limit
  const narrowed = Boolean(filters.state || filters.kind)
  const [grid, ranked, narrowedCount] = await Promise.all([
    cached(deps, cache?.counts, () => repository.countGrid(db, q, scope, filters)),
    end <= CACHED_HITS
      ? cached(deps, cache?.hits, () => repository.rankedHits(db, q, scope, filters, CACHED_HITS, 0)).then((hits) => hits.slice(first, end))
      : repository.rankedHits(db, q, scope, filters, end - first, first),
    // The facets' sample does not tell how many match a state or kind once it is capped.
    narrowed ? cached(deps, cache?.total, () => repository.countUpToLimit(db, q, scope, filters)) : null,
  ])
  const folded = collapse ? await foldNearCopies(deps, scope, ranked, offset, limit) : ranked.map((hit) => ({ hit, nearCopies: undefined }))
  const shown = await repository.displayHits(
    db,
    q,
    scope,
    folded.map(({ hit }) => hit),
  )
  const nearCopies = new Map(folded.map(({ hit, nearCopies }) => [`${hit.documentId}/${hit.page}`, nearCopies]))
  const counted =
    narrowedCount ??
    (grid.capped
      ? repository.EXACT_COUNT_LIMIT + 1
      : sum(grid.cells.filter((cell) => (!filters.state || cell.state === filters.state) && (!filters.kind || cell.kind === filters.kind))))
  return {
    total: Math.min(counted, repository.EXACT_COUNT_LIMIT),
    totalRelation: counted > repository.EXACT_COUNT_LIMIT ? 'gte' : 'eq',
    items: shown.map((hit) => ({
      documentId: hit.documentId,
      requestId: hit.requestId,
      title: hit.title,
      agency: hit.agency,
      page: hit.page,
      snippet: toSnippetHtml(hit.headline),
      rank: hit.rank,
      fileUrl: `${deps.config.publicUrl}/v1/documents/${hit.documentId}/file`,
      nearCopies: nearCopies.get(`${hit.documentId}/${hit.page}`),
    })),
    facets: {
      state: facet(
        grid.cells.filter((cell) => !filters.kind || cell.kind === filters.kind),
        (cell) => cell.state,
      ),
      kind: facet(
        grid.cells.filter((cell) => !filters.state || cell.state === filters.state),
        (cell) => cell.kind,
      ),
    },
  }
}

/**
 * Near copies folded into the best-ranked hit among them: a hit whose document is a near copy of
 * a document shown above it is left out, and each hit shown says how many near copies its
 * document has that the caller may see. Then the page asked for.
 */
async function foldNearCopies(
  deps: SearchDeps,
  scope: repository.SearchScope,
  ranked: readonly repository.RankedHit[],
  offset: number,
  limit: number,
) {
  const copies = await visibleNearCopies(deps.searchDatabase.db, [...new Set(ranked.map((hit) => hit.documentId))], scope)
  const folded = new Set<string>()
  const kept: { hit: repository.RankedHit; nearCopies: number }[] = []
  for (const hit of ranked) {
    if (folded.has(hit.documentId)) continue
    const own = copies.get(hit.documentId) ?? []
    for (const copy of own) folded.add(copy)
    kept.push({ hit, nearCopies: own.length })
  }
  return kept.slice(offset, offset + limit)
}

const sum = (cells: repository.CountGrid) => cells.reduce((total, cell) => total + cell.count, 0)

function facet(cells: repository.CountGrid, facetValue: (cell: repository.CountGrid[number]) => string) {
  const counts = new Map<string, number>()
  for (const cell of cells) counts.set(facetValue(cell), (counts.get(facetValue(cell)) ?? 0) + cell.count)
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
}

type SearchCacheKeys = Awaited<ReturnType<typeof cacheFor>>

async function cacheFor(
  deps: SearchDeps,
  scope: repository.SearchScope,
  q: string,
  filters: repository.SearchFilters,
  page: { offset: number; limit: number; collapse: boolean },
) {
  const version = await repository.currentSearchVersion(deps.searchDatabase.db)
  const who = scope.kind === 'own' ? `user-${scope.userId}` : scope.kind
  const key = (what: string, parts: unknown[]) =>
    `${deps.config.queuePrefix}:search:${version}:${who}:${what}:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`
  return {
    counts: key('counts', [q, filters.agencyId, filters.receivedFrom, filters.receivedTo]),
    total: key('total', [q, filters.agencyId, filters.receivedFrom, filters.receivedTo, filters.state, filters.kind]),
    hits: key('hits', [q, filters.agencyId, filters.receivedFrom, filters.receivedTo, filters.state, filters.kind]),
    answer: key('answer', [
      q,
      filters.agencyId,
      filters.receivedFrom,
      filters.receivedTo,
      filters.state,
      filters.kind,
      page.offset,
      page.limit,
      page.collapse,
    ]),
  }
}

/**
 * The cached value, or the computed one, kept when it took at least `minMs`. Counting and ranking
 * a broad query ("neighbors portal" over every agreement) costs hundreds of milliseconds, a
 * selective one a few: only the costly ones are worth an entry. Redis trouble never fails a search.
 */
async function cached<T>(
  deps: SearchDeps,
  key: string | undefined,
  compute: () => Promise<T>,
  minMs = deps.config.searchCache.minMs,
): Promise<T> {
  if (!key) return compute()
  const pending = inFlight.get(key)
  if (pending) return pending as Promise<T>
  const lookup = (async () => {
    const hit = await deps.redis.get(key).catch(() => null)
    if (hit) return JSON.parse(hit) as T
    const started = performance.now()
    const value = await compute()
    if (performance.now() - started >= minMs) {
      await storeBounded(deps.redis, { prefix: deps.config.queuePrefix, ...deps.config.searchCache }, key, JSON.stringify(value)).catch(
        () => {},
      )
    }
    return value
  })()
  inFlight.set(key, lookup)
  try {
    return await lookup
  } finally {
    inFlight.delete(key)
  }
}

// Many people opening the same popular search at once wait for one computation of it, not one each.
const inFlight = new Map<string, Promise<unknown>>()
