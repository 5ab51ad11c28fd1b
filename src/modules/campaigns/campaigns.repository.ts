import { and, asc, desc, eq, gt, inArray, lt, or, type SQL, sql } from 'drizzle-orm'
import { type Executor, inUuids } from '../../db/client.js'
import {
  agencies,
  campaignCoverageChanges,
  campaigns,
  campaignTargets,
  deliveries,
  documents,
  jurisdictions,
  requests,
  users,
} from '../../db/schema/index.js'
import type { RequestStatus } from '../requests/request-status.js'
import { emailApprovedColumn, overdueAt } from '../requests/requests.repository.js'
import type { CoverageGroup } from './coverage.js'

export type CampaignRow = typeof campaigns.$inferSelect
export interface CampaignWithOwner {
  campaign: CampaignRow
  owner: { id: string; name: string }
}

/** Who is looking: the organizer and administrators see every target; others only public requests' ones. */
export interface Viewer {
  id: string
  admin: boolean
}

/**
 * Targets the viewer may see: all for administrators and the campaign's organizer (whose requests
 * they are), otherwise those whose request is public (a public campaign's drafts included).
 */
function visibleTargets(viewer: Viewer | null): SQL {
  if (viewer?.admin) return sql`true`
  if (!viewer) return sql`${requests.visibility} = 'public'`
  return sql`(${requests.visibility} = 'public' or ${requests.userId} = ${viewer.id})`
}

/** A draft whose agency cannot be emailed (no address, or one no administrator approved). */
const needsContactColumn = sql<boolean>`(${requests.status} = 'draft' and not ${emailApprovedColumn})`

export async function insertCampaign(db: Executor, values: typeof campaigns.$inferInsert): Promise<CampaignRow> {
  const [row] = await db.insert(campaigns).values(values).returning()
  return row!
}

export async function insertTargets(db: Executor, campaignId: string, targets: readonly { agencyId: string; requestId: string }[]) {
  if (targets.length === 0) return
  const values = JSON.stringify(targets.map((target) => ({ agency_id: target.agencyId, request_id: target.requestId })))
  await db.execute(sql`
    insert into ${campaignTargets} (campaign_id, agency_id, request_id)
    select ${campaignId}::uuid, agency_id, request_id from jsonb_to_recordset(${values}::jsonb) as target(agency_id uuid, request_id uuid)`)
}

const withOwner = { campaign: campaigns, owner: { id: users.id, name: users.name } }

/**
 * The campaign and its organizer; with `seenSnapshot`, also whether a transaction changed its
 * coverage that this snapshot does not see (see coverageChangedSince), without another round trip.
 */
export async function findCampaign(
  db: Executor,
  id: string,
  seenSnapshot?: string,
): Promise<(CampaignWithOwner & { coverageChanged: boolean }) | null> {
  const coverageChanged =
    seenSnapshot === undefined
      ? sql<boolean>`true`
      : sql<boolean>`exists (select 1 from ${campaignCoverageChanges} change where ${changedSince(sql`${campaigns.id}`, sql`${seenSnapshot}::pg_snapshot`)})`
  const [row] = await db
    .select({ ...withOwner, coverageChanged })
    .from(campaigns)
    .innerJoin(users, eq(users.id, campaigns.userId))
    .where(eq(campaigns.id, id))
  return row ?? null
}

/** A change row (aliased `change`) of this campaign made by a transaction the snapshot does not see; older than its xmin, all are seen. */
function changedSince(campaignId: SQL, snapshot: SQL): SQL {
  return sql`change.campaign_id = ${campaignId}
    and change.transaction_id >= pg_snapshot_xmin(${snapshot})
    and not pg_visible_in_snapshot(change.transaction_id, ${snapshot})`
}

/** Locks the campaign row, so targets are added to it one call at a time. */
export async function lockCampaign(db: Executor, id: string): Promise<void> {
  await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id)).for('update')
}

/** Public campaigns and the viewer's own (administrators: all), newest first, keyset-paginated on (createdAt, id). */
export async function listCampaigns(
  db: Executor,
  filter: { viewer: Viewer | null; before?: readonly [string, string]; limit: number },
): Promise<CampaignWithOwner[]> {
  const conditions: (SQL | undefined)[] = []
  if (!filter.viewer?.admin) {
    conditions.push(
      filter.viewer ? or(eq(campaigns.visibility, 'public'), eq(campaigns.userId, filter.viewer.id)) : eq(campaigns.visibility, 'public'),
    )
  }
  if (filter.before) {
    const [createdAt, id] = filter.before
    const at = new Date(createdAt)
    conditions.push(or(lt(campaigns.createdAt, at), and(eq(campaigns.createdAt, at), lt(campaigns.id, id))))
  }
  return db
    .select(withOwner)
    .from(campaigns)
    .innerJoin(users, eq(users.id, campaigns.userId))
    .where(and(...conditions))
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(filter.limit + 1)
}

/**
 * Every visible target of these campaigns counted by (state, status, overdue, needs contact), in one
 * query; coverage.ts adds the groups up.
 */
export async function coverageGroups(
  db: Executor,
  campaignIds: readonly string[],
  viewer: Viewer | null,
  now: Date,
): Promise<Map<string, CoverageGroup[]>> {
  const byCampaign = new Map<string, CoverageGroup[]>(campaignIds.map((id) => [id, []]))
  if (campaignIds.length === 0) return byCampaign
  const overdue = sql<boolean>`coalesce(${overdueAt(now)}, false)`
  const rows = await db
    .select({
      campaignId: campaignTargets.campaignId,
      state: agencies.state,
      status: requests.status,
      overdue,
      needsContact: needsContactColumn,
      count: sql<number>`count(*)::int`,
    })
    .from(campaignTargets)
    .innerJoin(requests, eq(requests.id, campaignTargets.requestId))
    .innerJoin(agencies, eq(agencies.id, campaignTargets.agencyId))
    .innerJoin(jurisdictions, eq(jurisdictions.code, agencies.state))
    .where(and(inUuids(campaignTargets.campaignId, campaignIds), visibleTargets(viewer)))
    // By position: the overdue expression's parameters would make a repeated expression a different one.
    .groupBy(sql.raw('1, 2, 3, 4, 5'))
  for (const { campaignId, ...group } of rows) byCampaign.get(campaignId)?.push(group)
  return byCampaign
}

/** The database's snapshot now, as text: what a statement starting now would see. */
export async function currentSnapshot(db: Executor): Promise<string> {
  const [row] = await db.execute<{ snapshot: string }>(sql`select pg_current_snapshot()::text as snapshot`)
  return row!.snapshot
}

/**
 * Of these campaigns, those a transaction changed (campaign_coverage_changes) that the given
 * snapshot does not see: committed since, or still running when it was taken. Transactions older
 * than the snapshot's xmin are visible to it, so only newer rows are looked at.
 */
export async function coverageChangedSince(db: Executor, seen: readonly { campaignId: string; snapshot: string }[]): Promise<Set<string>> {
  if (seen.length === 0) return new Set()
  const rows = await db.execute<{ campaign_id: string }>(sql`
    select distinct seen.campaign_id
      from jsonb_to_recordset(${JSON.stringify(seen.map(({ campaignId, snapshot }) => ({ campaign_id: campaignId, snapshot })))}::jsonb)
        as seen(campaign_id uuid, snapshot pg_snapshot)
      join ${campaignCoverageChanges} change on ${changedSince(sql`seen.campaign_id`, sql`seen.snapshot`)}`)
  return new Set(rows.map((row) => row.campaign_id))
}

export interface TargetRow {
  agency: {
    id: string
    name: string
    state: string
    city: string | null
    kind: (typeof agencies.$inferSelect)['kind']
    email: string | null
    portalUrl: string | null
    mailingAddress: string | null
    emailApproved: boolean
  }
  request: {
    id: string
    status: RequestStatus
    userId: string
    visibility: 'public' | 'private'
    submittedVia: (typeof requests.$inferSelect)['submittedVia']
    submittedAt: Date | null
    dueDate: string | null
    lastMessageAt: Date | null
  }
  overdue: boolean
  needsContact: boolean
  documentCount: number
  publishedDocumentCount: number
}

export interface TargetFilter {
  status?: RequestStatus
  state?: string
  overdue?: boolean
  after?: readonly [string, string]
  /** Omitted: every target (the CSV export). */
  limit?: number
}

/** The campaign's targets the viewer may see, by agency name (keyset on name, id). */
export async function listTargets(
  db: Executor,
  campaignId: string,
  viewer: Viewer | null,
  now: Date,
  filter: TargetFilter,
): Promise<TargetRow[]> {
  const overdue = sql<boolean>`coalesce(${overdueAt(now)}, false)`
  const conditions: (SQL | undefined)[] = [eq(campaignTargets.campaignId, campaignId), visibleTargets(viewer)]
  if (filter.status) conditions.push(eq(requests.status, filter.status))
  if (filter.state) conditions.push(eq(agencies.state, filter.state))
  if (filter.overdue !== undefined) conditions.push(filter.overdue ? overdue : sql`not ${overdue}`)
  if (filter.after) {
    const [name, id] = filter.after
    conditions.push(or(gt(agencies.name, name), and(eq(agencies.name, name), gt(agencies.id, id))))
  }
  const query = db
    .select({
      agency: {
        id: agencies.id,
        name: agencies.name,
        state: agencies.state,
        city: agencies.city,
        kind: agencies.kind,
        email: agencies.email,
        portalUrl: agencies.portalUrl,
        mailingAddress: agencies.mailingAddress,
        emailApproved: emailApprovedColumn,
      },
      request: {
        id: requests.id,
        status: requests.status,
        userId: requests.userId,
        visibility: requests.visibility,
        submittedVia: requests.submittedVia,
        submittedAt: requests.submittedAt,
        dueDate: requests.dueDate,
        lastMessageAt: requests.lastMessageAt,
      },
      overdue,
      needsContact: needsContactColumn,
      documentCount: sql<number>`(select count(*)::int from ${documents} where ${documents.requestId} = ${requests.id})`,
      publishedDocumentCount: sql<number>`(select count(*)::int from ${documents} where ${documents.requestId} = ${requests.id} and ${documents.publishedAt} is not null)`,
    })
    .from(campaignTargets)
    .innerJoin(requests, eq(requests.id, campaignTargets.requestId))
    .innerJoin(agencies, eq(agencies.id, campaignTargets.agencyId))
    .innerJoin(jurisdictions, eq(jurisdictions.code, agencies.state))
    .where(and(...conditions))
    .orderBy(asc(agencies.name), asc(agencies.id))
  return filter.limit === undefined ? query : query.limit(filter.limit + 1)
}

/** The campaign's agencies and their requests (all of them, whatever their status). */
export async function targetsOf(db: Executor, campaignId: string): Promise<{ agencyId: string; requestId: string }[]> {
  return db
    .select({ agencyId: campaignTargets.agencyId, requestId: campaignTargets.requestId })
    .from(campaignTargets)
    .where(eq(campaignTargets.campaignId, campaignId))
}

/** The campaign's requests still drafts, in the order their letters will leave (by state, then agency name). */
export async function draftIdsOf(db: Executor, campaignId: string): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(campaignTargets)
    .innerJoin(requests, eq(requests.id, campaignTargets.requestId))
    .innerJoin(agencies, eq(agencies.id, campaignTargets.agencyId))
    .where(and(eq(campaignTargets.campaignId, campaignId), eq(requests.status, 'draft')))
    .orderBy(asc(agencies.state), asc(agencies.name), asc(agencies.id))
  return rows.map((row) => row.id)
}

/**
 * Takes the service's one letter-pacing lock until the transaction ends: campaigns filed at the same
 * time pick their send slots one after the other, each seeing the slots the one before it took.
 */
export async function lockLetterPacing(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('campaign-letter-pacing', 0))`)
}

/**
 * When the last campaign letter (of any campaign) leaves, or left if none is still waiting and one
 * left after `sentSince`: pacing queues behind it.
 */
export async function lastCampaignLetterAt(db: Executor, sentSince: Date): Promise<Date | null> {
  const waiting = inArray(deliveries.status, ['scheduled', 'sending'])
  const justSent = and(eq(deliveries.status, 'sent'), gt(deliveries.sentAt, sentSince))
  const [row] = await db
    .select({
      at: sql<
        string | null
      >`greatest(max(${deliveries.sendAt}) filter (where ${waiting}), max(${deliveries.sentAt}) filter (where ${justSent}))`,
    })
    .from(deliveries)
    .innerJoin(campaignTargets, eq(campaignTargets.requestId, deliveries.requestId))
    .where(and(eq(deliveries.kind, 'letter'), or(waiting, justSent)))
  return row?.at ? new Date(row.at) : null
}

/** These agencies (unknown ids left out), in no particular order. */
export async function findAgenciesByIds(db: Executor, ids: readonly string[]): Promise<(typeof agencies.$inferSelect)[]> {
  if (ids.length === 0) return []
  return db.select().from(agencies).where(inUuids(agencies.id, ids))
}
