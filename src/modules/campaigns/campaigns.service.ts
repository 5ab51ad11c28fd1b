import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { ConflictError, NotAllowedError, NotFoundError, RuleViolationError } from '../../errors.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import { instantSchema } from '../../http/schemas.js'
import { findRequester } from '../accounts/accounts.repository.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { type AgencyRow, listAgencies } from '../agencies/agencies.repository.js'
import { findRequests } from '../requests/requests.repository.js'
import {
  canEmailAgency,
  holdUnsentLetters,
  insertDrafts,
  type RequestDeps,
  requireRequestTemplate,
  submitRequests,
  submitScheduled,
} from '../requests/requests.service.js'
import * as repository from './campaigns.repository.js'
import {
  type AddAgenciesInput,
  type CampaignListQuery,
  type CampaignTargetView,
  type CampaignView,
  type CreateCampaignInput,
  MAX_CAMPAIGN_TARGETS,
  MAX_SEND_AHEAD_DAYS,
  type SubmitCampaignInput,
  type TargetListQuery,
} from './campaigns.schemas.js'
import { type CoverageGroup, coverageOf } from './coverage.js'
import { letterGapMs, letterSendTimes } from './pacing.js'
import { type TargetCsvRow, targetsCsv } from './targets-csv.js'

export type CampaignDeps = RequestDeps & Pick<AppContext, 'campaignCoverage'>

function viewerOf(user: AuthUser | null): repository.Viewer | null {
  return user ? { id: user.id, admin: user.role === 'admin' } : null
}

function canSeeCampaign(user: AuthUser | null, campaign: repository.CampaignRow): boolean {
  return campaign.visibility === 'public' || (user !== null && canChangeCampaign(user, campaign))
}

function canChangeCampaign(user: AuthUser, campaign: repository.CampaignRow): boolean {
  return user.role === 'admin' || campaign.userId === user.id
}

/** The campaign if the caller may see it; otherwise 404, so a private campaign does not reveal that it exists. */
async function findVisibleCampaign(
  deps: CampaignDeps,
  user: AuthUser | null,
  id: string,
  seenSnapshot?: string,
): Promise<repository.CampaignWithOwner & { coverageChanged: boolean }> {
  const found = await repository.findCampaign(deps.db, id, seenSnapshot)
  if (!found || !canSeeCampaign(user, found.campaign)) throw new NotFoundError('Campaign', id)
  return found
}

async function findChangeableCampaign(deps: CampaignDeps, user: AuthUser, id: string): Promise<repository.CampaignWithOwner> {
  const found = await findVisibleCampaign(deps, user, id)
  if (!canChangeCampaign(user, found.campaign))
    throw new NotAllowedError('Only the organizer or an administrator may change this campaign.')
  return found
}

/** Whose counts these are: administrators see every target, the public the public ones, a member also their own. */
function audienceOf(viewer: repository.Viewer | null): string {
  if (viewer?.admin) return 'admin'
  return viewer ? `user ${viewer.id}` : 'public'
}

/**
 * The campaigns' coverage groups: counted by the database, or as counted for an earlier read when no
 * transaction has changed the campaign since (see coverage-cache.ts).
 */
async function coverageGroupsOf(
  deps: CampaignDeps,
  campaignIds: readonly string[],
  viewer: repository.Viewer | null,
): Promise<Map<string, CoverageGroup[]>> {
  const now = deps.clock.now()
  const audience = audienceOf(viewer)
  const cached = campaignIds.flatMap((campaignId) => {
    const entry = deps.campaignCoverage.get(campaignId, audience, now)
    return entry ? [{ campaignId, ...entry }] : []
  })
  const changed = await repository.coverageChangedSince(deps.db, cached)
  const groups = new Map(cached.filter(({ campaignId }) => !changed.has(campaignId)).map((entry) => [entry.campaignId, entry.groups]))
  const missing = campaignIds.filter((campaignId) => !groups.has(campaignId))
  if (missing.length === 0) return groups
  // Taken before counting: a change committed in between only makes the entry look changed, never the reverse.
  const snapshot = await repository.currentSnapshot(deps.db)
  for (const [campaignId, counted] of await repository.coverageGroups(deps.db, missing, viewer, now)) {
    deps.campaignCoverage.set(campaignId, audience, now, { groups: counted, snapshot })
    groups.set(campaignId, counted)
  }
  return groups
}

async function toViews(deps: CampaignDeps, user: AuthUser | null, found: readonly repository.CampaignWithOwner[]): Promise<CampaignView[]> {
  const groups = await coverageGroupsOf(
    deps,
    found.map(({ campaign }) => campaign.id),
    viewerOf(user),
  )
  return found.map((one) => viewOf(one, groups.get(one.campaign.id) ?? []))
}

function viewOf({ campaign, owner }: repository.CampaignWithOwner, groups: readonly CoverageGroup[]): CampaignView {
  return {
    id: campaign.id,
    title: campaign.title,
    templateSlug: campaign.templateSlug,
    visibility: campaign.visibility,
    owner,
    createdAt: campaign.createdAt.toISOString(),
    ...coverageOf(groups),
  }
}

async function toView(deps: CampaignDeps, user: AuthUser | null, found: repository.CampaignWithOwner): Promise<CampaignView> {
  const [view] = await toViews(deps, user, [found])
  return view!
}

/**
 * The agencies a campaign writes to: those `agencyIds` lists and those `targets` selects, together;
 * 422 naming each unknown id, when the union is empty, or when it is larger than a campaign may be.
 */
async function resolveTargets(deps: CampaignDeps, input: Pick<CreateCampaignInput, 'agencyIds' | 'targets'>): Promise<AgencyRow[]> {
  const listed = input.agencyIds ?? []
  const found = await repository.findAgenciesByIds(
    deps.db,
    listed.map((id) => id.toLowerCase()),
  )
  const known = new Set(found.map((agency) => agency.id))
  const unknown = listed.flatMap((id, index) => (known.has(id.toLowerCase()) ? [] : [{ id, index }]))
  if (unknown.length > 0) {
    throw new RuleViolationError(
      `No agency has the id ${unknown.map(({ id }) => id).join(', ')}.`,
      unknown.map(({ index }) => ({ path: `body.agencyIds.${index}`, message: 'Unknown agency' })),
    )
  }
  const selected = input.targets ? await listAgencies(deps.db, { ...input.targets, limit: MAX_CAMPAIGN_TARGETS }) : []
  const union = new Map([...selected, ...found].map((agency) => [agency.id, agency]))
  if (union.size === 0) {
    throw new RuleViolationError('No agency matches: the campaign would write to no one. Widen the filter or list agencies.', [
      { path: input.targets ? 'body.targets' : 'body.agencyIds', message: 'Selects no agency' },
    ])
  }
  if (union.size > MAX_CAMPAIGN_TARGETS) {
    throw new RuleViolationError(`A campaign writes to at most ${MAX_CAMPAIGN_TARGETS} agencies; this selects more. Narrow the filter.`, [
      { path: 'body.targets', message: `Selects more than ${MAX_CAMPAIGN_TARGETS} agencies` },
    ])
  }
  return [...union.values()].sort((a, b) => a.state.localeCompare(b.state) || a.name.localeCompare(b.name))
}

/** Creates the campaign and a draft request to each target agency, each letter citing that agency's own law. */
export async function createCampaign(deps: CampaignDeps, user: AuthUser, input: CreateCampaignInput): Promise<CampaignView> {
  const template = requireRequestTemplate(deps, input.templateSlug)
  const targets = await resolveTargets(deps, input)
  const variables = input.variables ?? {}
  const found = await deps.db.transaction(async (tx) => {
    const campaign = await repository.insertCampaign(tx, {
      userId: user.id,
      title: input.title,
      templateSlug: template.slug,
      variables: variables as Record<string, string>,
      visibility: input.visibility,
    })
    const drafts = await insertDrafts(
      deps,
      tx,
      { owner: user, by: user.id },
      { template, variables, visibility: input.visibility },
      targets,
    )
    await repository.insertTargets(tx, campaign.id, drafts)
    return { campaign, owner: { id: user.id, name: user.name } }
  })
  return toView(deps, user, found)
}

export async function getCampaign(deps: CampaignDeps, user: AuthUser | null, id: string): Promise<CampaignView> {
  // Counts from an earlier read are checked in the statement that finds the campaign: one round trip while they hold.
  const cached = deps.campaignCoverage.get(id, audienceOf(viewerOf(user)), deps.clock.now())
  const found = await findVisibleCampaign(deps, user, id, cached?.snapshot)
  if (cached && !found.coverageChanged) return viewOf(found, cached.groups)
  return toView(deps, user, found)
}

const campaignCursor = z.tuple([z.string().refine((value) => instantSchema.safeParse(value).success), z.uuid()])

export async function listCampaigns(deps: CampaignDeps, user: AuthUser | null, query: CampaignListQuery) {
  const before = query.cursor ? decodeCursor(query.cursor, campaignCursor) : undefined
  const rows = await repository.listCampaigns(deps.db, { viewer: viewerOf(user), before, limit: query.limit })
  const page = toPage(
    rows,
    query.limit,
    (row) => row,
    (row) => [row.campaign.createdAt.toISOString(), row.campaign.id],
  )
  return { items: await toViews(deps, user, page.items), nextCursor: page.nextCursor }
}

/** Adds agencies to the campaign: a draft for each one not yet in it, rendered from the campaign's template and variables. */
export async function addAgencies(deps: CampaignDeps, user: AuthUser, id: string, input: AddAgenciesInput): Promise<CampaignView> {
  const found = await findChangeableCampaign(deps, user, id)
  const { campaign } = found
  const template = requireRequestTemplate(deps, campaign.templateSlug)
  const agencies = await resolveTargets(deps, { agencyIds: input.agencyIds })
  await deps.db.transaction(async (tx) => {
    await repository.lockCampaign(tx, id)
    const existing = await repository.targetsOf(tx, id)
    const already = new Set(existing.map((target) => target.agencyId))
    const added = agencies.filter((agency) => !already.has(agency.id))
    if (existing.length + added.length > MAX_CAMPAIGN_TARGETS) {
      throw new RuleViolationError(`A campaign writes to at most ${MAX_CAMPAIGN_TARGETS} agencies; it has ${existing.length}.`, [
        { path: 'body.agencyIds', message: `Would make more than ${MAX_CAMPAIGN_TARGETS} targets` },
      ])
    }
    const owner = { id: campaign.userId, ...(await findRequester(tx, campaign.userId)) }
    const letter = { template, variables: campaign.variables, visibility: campaign.visibility }
    const drafts = await insertDrafts(deps, tx, { owner, by: user.id }, letter, added)
    await repository.insertTargets(tx, id, drafts)
  })
  return toView(deps, user, found)
}

/**
 * Files every draft of the campaign. By email, only drafts whose agency has an approved address are
 * filed, their letters paced (CAMPAIGN_SEND_PER_MINUTE); the others are answered as needing a
 * contact and stay drafts, to be filed through the portal or by mail.
 */
export async function submitCampaign(deps: CampaignDeps, user: AuthUser, id: string, input: SubmitCampaignInput) {
  const found = await findChangeableCampaign(deps, user, id)
  const drafts = await findRequests(deps.db, await repository.draftIdsOf(deps.db, id))
  if (drafts.length === 0) throw new ConflictError('nothing-to-submit', 'The campaign has no drafts left to file.')
  const now = deps.clock.now()
  if (input.via !== 'email') {
    const submitted = await submitRequests(deps, user, { ids: drafts.map(({ request }) => request.id), via: input.via })
    return { submitted: submitted.length, needsContact: [], letters: null, campaign: await toView(deps, user, found) }
  }
  if (input.sendAt && input.sendAt.getTime() > now.getTime() + MAX_SEND_AHEAD_DAYS * 86_400_000) {
    throw new RuleViolationError(`Letters can be scheduled at most ${MAX_SEND_AHEAD_DAYS} days ahead.`, [
      { path: 'body.sendAt', message: `must be within ${MAX_SEND_AHEAD_DAYS} days` },
    ])
  }
  const emailable = drafts.filter(({ agency }) => canEmailAgency(agency))
  const needsContact = drafts
    .filter(({ agency }) => !canEmailAgency(agency))
    .map(({ agency, request }) => ({ agency, requestId: request.id }))
  let letters: { first: string; last: string; perMinute: number } | null = null
  if (emailable.length > 0) {
    const perMinute = deps.config.campaignSendPerMinute
    let times: readonly Date[] = []
    await submitScheduled(
      deps,
      user,
      emailable.map(({ request }) => request.id),
      async (tx) => {
        await repository.lockLetterPacing(tx)
        // Read after the lock: another campaign filed meanwhile has queued its letters, and now has moved on.
        const lockedAt = deps.clock.now()
        times = letterSendTimes(emailable.length, {
          requestedStart: input.sendAt ?? lockedAt,
          now: lockedAt,
          lastQueued: await repository.lastCampaignLetterAt(tx, new Date(lockedAt.getTime() - letterGapMs(perMinute))),
          perMinute,
        })
        return times
      },
    )
    letters = { first: times[0]!.toISOString(), last: times.at(-1)!.toISOString(), perMinute }
  }
  return { submitted: emailable.length, needsContact, letters, campaign: await toView(deps, user, found) }
}

/** Holds back the campaign's letters that have not left yet: their requests go back to draft. */
export async function holdCampaign(deps: CampaignDeps, user: AuthUser, id: string) {
  const found = await findChangeableCampaign(deps, user, id)
  const targets = await repository.targetsOf(deps.db, id)
  const held = await holdUnsentLetters(
    deps,
    user,
    targets.map((target) => target.requestId),
  )
  return { held: held.length, campaign: await toView(deps, user, found) }
}

const targetCursor = z.tuple([z.string(), z.uuid()])

function toTarget(user: AuthUser | null, row: repository.TargetRow): CampaignTargetView {
  // A draft opens only for its requester and administrators (canSee): others get no link to it.
  const mayChange = user !== null && (user.role === 'admin' || user.id === row.request.userId)
  const opens = row.request.status !== 'draft' || mayChange
  return {
    agency: row.agency,
    requestId: opens ? row.request.id : null,
    status: row.request.status,
    submittedVia: row.request.submittedVia,
    submittedAt: row.request.submittedAt?.toISOString() ?? null,
    dueDate: row.request.dueDate,
    overdue: row.overdue,
    lastMessageAt: row.request.lastMessageAt?.toISOString() ?? null,
    // Others count only what was published (canSeeDocument), never documents waiting for review.
    documentCount: mayChange ? row.documentCount : row.publishedDocumentCount,
    needsContact: row.needsContact,
  }
}

export async function listTargets(deps: CampaignDeps, user: AuthUser | null, id: string, query: TargetListQuery) {
  await findVisibleCampaign(deps, user, id)
  const after = query.cursor ? decodeCursor(query.cursor, targetCursor) : undefined
  const rows = await repository.listTargets(deps.db, id, viewerOf(user), deps.clock.now(), {
    status: query.status,
    state: query.state,
    overdue: query.overdue,
    after,
    limit: query.limit,
  })
  return toPage(
    rows,
    query.limit,
    (row) => toTarget(user, row),
    (row) => [row.agency.name, row.agency.id],
  )
}

/** Every visible target, for the CSV export and the campaign page. */
export async function allTargets(deps: CampaignDeps, user: AuthUser | null, id: string): Promise<CampaignTargetView[]> {
  await findVisibleCampaign(deps, user, id)
  const rows = await repository.listTargets(deps.db, id, viewerOf(user), deps.clock.now(), {})
  return rows.map((row) => toTarget(user, row))
}

export async function exportTargetsCsv(deps: CampaignDeps, user: AuthUser | null, id: string): Promise<string> {
  const targets = await allTargets(deps, user, id)
  return targetsCsv(
    targets.map(
      (target): TargetCsvRow => ({
        state: target.agency.state,
        agency: target.agency.name,
        city: target.agency.city,
        agency_id: target.agency.id,
        request_id: target.requestId,
        status: target.status,
        submitted_via: target.submittedVia,
        submitted_at: target.submittedAt,
        due_date: target.dueDate,
        overdue: target.overdue,
        last_message_at: target.lastMessageAt,
        document_count: target.documentCount,
        needs_contact: target.needsContact,
        request_url: target.requestId ? `${deps.config.publicUrl}/requests/${target.requestId}` : null,
      }),
    ),
  )
}
