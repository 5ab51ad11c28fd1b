import { createHash } from 'node:crypto'
import type { AppContext } from '../../context.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import * as repository from './search.repository.js'
import type { SearchQuery, SearchResults } from './search.schemas.js'
import { toSnippetHtml } from './snippet.js'

export type SearchDeps = Pick<AppContext, 'db' | 'redis' | 'config'>

/** The ranking is cached this deep; further pages are ranked on demand. */
const CACHED_HITS = 100

function scopeOf(user: AuthUser | null): repository.SearchScope {
  if (!user) return { kind: 'public' }
  return user.role === 'admin' ? { kind: 'all' } : { kind: 'own', userId: user.id }
}

/**
 * Pages matching a web-search query, best first, with snippets and facet counts. Counts and
 * ranking are cached in Redis under the database's search version, which triggers raise on any
 * change to what search could find, so a cached answer is never older than the data it counts;
 * what is shown of each hit is read fresh, visibility checked again.
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
  const cache = deps.config.searchCache.seconds > 0 ? await cacheFor(deps, scope, q, filters) : null
  const end = query.offset + query.limit
  const [grid, ranked] = await Promise.all([
    cached(deps, cache?.grid, () => repository.countGrid(deps.db, q, scope, filters)),
    end <= CACHED_HITS
      ? cached(deps, cache?.hits, () => repository.rankedHits(deps.db, q, scope, filters, CACHED_HITS, 0)).then((hits) => hits.slice(query.offset, end))
      : repository.rankedHits(deps.db, q, scope, filters, query.limit, query.offset),
  ])
  const shown = await repository.displayHits(deps.db, q, scope, ranked)
  return {
    total: sum(grid.filter((cell) => (!filters.state || cell.state === filters.state) && (!filters.kind || cell.kind === filters.kind))),
    items: shown.map((hit) => ({
      documentId: hit.documentId,
      requestId: hit.requestId,
      title: hit.title,
      agency: hit.agency,
      page: hit.page,
      snippet: toSnippetHtml(hit.headline),
      rank: hit.rank,
      fileUrl: `${deps.config.publicUrl}/v1/documents/${hit.documentId}/file`,
    })),
    facets: {
      state: facet(grid.filter((cell) => !filters.kind || cell.kind === filters.kind), (cell) => cell.state),
      kind: facet(grid.filter((cell) => !filters.state || cell.state === filters.state), (cell) => cell.kind),
    },
  }
}

const sum = (cells: repository.CountGrid) => cells.reduce((total, cell) => total + cell.count, 0)

function facet(cells: repository.CountGrid, valueOf: (cell: repository.CountGrid[number]) => string) {
  const counts = new Map<string, number>()
  for (const cell of cells) counts.set(valueOf(cell), (counts.get(valueOf(cell)) ?? 0) + cell.count)
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
}

async function cacheFor(deps: SearchDeps, scope: repository.SearchScope, q: string, filters: repository.SearchFilters) {
  const version = await repository.currentSearchVersion(deps.db)
  const who = scope.kind === 'own' ? `user-${scope.userId}` : scope.kind
  const key = (what: string, parts: unknown[]) =>
    `${deps.config.queuePrefix}:search:${version}:${who}:${what}:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`
  return {
    grid: key('grid', [q, filters.agencyId, filters.receivedFrom, filters.receivedTo]),
    hits: key('hits', [q, filters.agencyId, filters.receivedFrom, filters.receivedTo, filters.state, filters.kind]),
  }
}

/**
 * The cached value, or the computed one. Counting and ranking a broad query ("neighbors portal"
 * over every agreement) costs hundreds of milliseconds, a selective one a few: only the costly
 * ones are worth an entry. Redis trouble never fails a search.
 */
async function cached<T>(deps: SearchDeps, key: string | undefined, compute: () => Promise<T>): Promise<T> {
  if (!key) return compute()
  const hit = await deps.redis.get(key).catch(() => null)
  if (hit) return JSON.parse(hit) as T
  const started = performance.now()
  const value = await compute()
  if (performance.now() - started >= deps.config.searchCache.minMs) {
    await deps.redis.set(key, JSON.stringify(value), 'EX', deps.config.searchCache.seconds).catch(() => {})
  }
  return value
}
