/**
 * Campaign coverage counts kept in memory between reads, so a campaign followed by many readers is
 * counted once rather than once per read. An entry is used only while nothing it counts can have
 * changed: the service asks the database whether a transaction that changed the campaign's targets
 * committed after the entry's snapshot (campaign_coverage_changes), and overdue counts, which move
 * with the date, are kept only within the quarter hour they were counted in.
 */
import type { CoverageGroup } from './coverage.js'

// Every time zone is a whole number of quarter hours from UTC: a local date turns over only on a UTC quarter hour.
const QUARTER_HOUR_MS = 15 * 60_000
const MAX_ENTRIES = 2_000

export interface CachedCoverage {
  groups: CoverageGroup[]
  /** The database snapshot (pg_snapshot as text) taken before the groups were counted. */
  snapshot: string
}

export interface CoverageCache {
  /** The groups counted for this campaign and audience in the current quarter hour, if any. */
  get(campaignId: string, audience: string, now: Date): CachedCoverage | undefined
  set(campaignId: string, audience: string, now: Date, entry: CachedCoverage): void
}

export function createCoverageCache(maxEntries = MAX_ENTRIES): CoverageCache {
  const entries = new Map<string, CachedCoverage & { quarter: number }>()
  const quarterOf = (now: Date) => Math.floor(now.getTime() / QUARTER_HOUR_MS)
  return {
    get(campaignId, audience, now) {
      const entry = entries.get(`${campaignId} ${audience}`)
      return entry && entry.quarter === quarterOf(now) ? { groups: entry.groups, snapshot: entry.snapshot } : undefined
    },
    set(campaignId, audience, now, entry) {
      const key = `${campaignId} ${audience}`
      entries.delete(key)
      // Oldest first out: a Map iterates in insertion order.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(key, { ...entry, quarter: quarterOf(now) })
    },
  }
}
