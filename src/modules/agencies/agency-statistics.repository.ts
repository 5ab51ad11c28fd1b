import { sql } from 'drizzle-orm'
import { type Executor, uuidArray } from '../../db/client.js'
import type { ResponseTimeline } from './response-statistics.js'

/** The agency's steps that answer a request, first or last (see response-statistics.ts). */
const RESPONSE_EVENTS = sql.raw(
  `('acknowledged', 'extended', 'fee_requested', 'clarification_requested', 'partial_release', 'fulfilled', 'no_records', 'rejected')`,
)
const FINAL_EVENTS = sql.raw(`('fulfilled', 'no_records', 'rejected')`)

interface TimelineRow extends Record<string, unknown> {
  state: string
  submitted_at: Date | null
  first_event_at: Date | null
  first_reply_at: Date | null
  completed_at: Date | null
  withdrawn_at: Date | null
  answered_on_time: boolean | null
}

/**
 * Each request's response timeline (submittedAt null for a draft), read in one statement. `which`
 * picks the requests: an agency's public, visible ones (the public statistics never count private
 * requests or drafts, not even in totals), or a given set (a campaign's, for per-state figures),
 * whatever their visibility: the caller decides who may see those.
 */
async function timelines(db: Executor, which: ReturnType<typeof sql>): Promise<(ResponseTimeline & { state: string })[]> {
  const rows = await db.execute<TimelineRow>(sql`
    select a.state, r.submitted_at, first_event.at as first_event_at, first_reply.at as first_reply_at,
      final.at as completed_at, withdrawn.at as withdrawn_at,
      case when final.at is null or r.due_date is null then null
        else (final.at at time zone j.timezone)::date <= r.due_date end as answered_on_time
    from requests r
    join agencies a on a.id = r.agency_id
    join jurisdictions j on j.code = a.state
    left join lateral (select min(e.occurred_at) as at from request_events e
      where e.request_id = r.id and e.type in ${RESPONSE_EVENTS}) first_event on true
    left join lateral (select min(m.sent_at) as at from messages m
      where m.request_id = r.id and m.direction = 'inbound' and m.kind = 'reply') first_reply on true
    left join lateral (select min(e.occurred_at) as at from request_events e
      where e.request_id = r.id and e.type in ${FINAL_EVENTS}) final on true
    left join lateral (select min(e.occurred_at) as at from request_events e
      where e.request_id = r.id and e.type = 'withdrawn') withdrawn on true
    where ${which}`)
  return rows.map((row) => {
    const first = [row.first_event_at, row.first_reply_at].filter((at): at is Date => at !== null).map((at) => new Date(at))
    return {
      state: row.state,
      submittedAt: row.submitted_at ? new Date(row.submitted_at) : null,
      firstResponseAt: first.length > 0 ? new Date(Math.min(...first.map((at) => at.getTime()))) : null,
      completedAt: row.completed_at ? new Date(row.completed_at) : null,
      withdrawnAt: row.withdrawn_at ? new Date(row.withdrawn_at) : null,
      answeredOnTime: row.answered_on_time,
    }
  })
}

export function publicTimelinesOfAgency(db: Executor, agencyId: string) {
  return timelines(db, sql`r.agency_id = ${agencyId} and r.visibility = 'public' and r.status <> 'draft'`)
}

export function timelinesOfRequests(db: Executor, requestIds: readonly string[]) {
  if (requestIds.length === 0) return Promise.resolve([])
  return timelines(db, sql`r.id = any(${uuidArray(requestIds)})`)
}
