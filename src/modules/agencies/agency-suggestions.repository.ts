import { and, asc, eq, gt, or, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Executor } from '../../db/client.js'
import { agencies, agencyContactChanges, agencySuggestions, users } from '../../db/schema/index.js'

export type SuggestionRow = typeof agencySuggestions.$inferSelect
export type SuggestionInsert = typeof agencySuggestions.$inferInsert
export type ContactChangeInsert = typeof agencyContactChanges.$inferInsert
export type ContactChangeRow = typeof agencyContactChanges.$inferSelect
export type SuggestionStatus = SuggestionRow['status']

const suggester = alias(users, 'suggester')
const reviewer = alias(users, 'reviewer')

const suggestionColumns = {
  suggestion: agencySuggestions,
  agency: {
    id: agencies.id,
    name: agencies.name,
    state: agencies.state,
    email: agencies.email,
    portalUrl: agencies.portalUrl,
    mailingAddress: agencies.mailingAddress,
    phone: agencies.phone,
  },
  suggestedBy: { id: suggester.id, name: suggester.name },
  reviewedBy: { id: reviewer.id, name: reviewer.name },
}

export type SuggestionWithAgency = Awaited<ReturnType<typeof findSuggestion>> & {}

function selectSuggestions(db: Executor) {
  return db
    .select(suggestionColumns)
    .from(agencySuggestions)
    .innerJoin(agencies, eq(agencies.id, agencySuggestions.agencyId))
    .leftJoin(suggester, eq(suggester.id, agencySuggestions.suggestedBy))
    .leftJoin(reviewer, eq(reviewer.id, agencySuggestions.reviewedBy))
}

export async function findSuggestion(db: Executor, id: string) {
  const [row] = await selectSuggestions(db).where(eq(agencySuggestions.id, id))
  return row ?? null
}

export interface SuggestionFilter {
  status?: SuggestionStatus
  agencyId?: string
  after?: readonly [string, string]
  limit: number
}

/** Oldest first (a queue), keyset-paginated on (createdAt, id). */
export async function listSuggestions(db: Executor, filter: SuggestionFilter) {
  const conditions: SQL[] = []
  if (filter.status) conditions.push(eq(agencySuggestions.status, filter.status))
  if (filter.agencyId) conditions.push(eq(agencySuggestions.agencyId, filter.agencyId))
  if (filter.after) {
    const [createdAt, id] = filter.after
    const at = sql`${createdAt}::timestamptz`
    conditions.push(or(gt(agencySuggestions.createdAt, at), and(eq(agencySuggestions.createdAt, at), gt(agencySuggestions.id, id)))!)
  }
  return selectSuggestions(db)
    .where(and(...conditions))
    .orderBy(asc(agencySuggestions.createdAt), asc(agencySuggestions.id))
    .limit(filter.limit + 1)
}

export async function insertSuggestion(db: Executor, values: SuggestionInsert): Promise<SuggestionRow> {
  const [row] = await db.insert(agencySuggestions).values(values).returning()
  return row!
}

/** A suggestion drawn from a reply; null when that address was suggested from a reply before (whatever became of it). */
export async function insertReplySuggestion(db: Executor, values: SuggestionInsert): Promise<SuggestionRow | null> {
  const [row] = await db.insert(agencySuggestions).values(values).onConflictDoNothing().returning()
  return row ?? null
}

/** Locks a pending suggestion for its review; null when it is unknown or already reviewed. */
export async function lockSuggestion(db: Executor, id: string): Promise<SuggestionRow | null> {
  const [row] = await db.select().from(agencySuggestions).where(eq(agencySuggestions.id, id)).for('update')
  return row ?? null
}

export async function markReviewed(
  db: Executor,
  id: string,
  review: { status: 'accepted' | 'rejected'; reviewedBy: string; reviewedAt: Date },
): Promise<void> {
  await db.update(agencySuggestions).set(review).where(eq(agencySuggestions.id, id))
}

const CHANGES_CHUNK = 1_000

export async function insertContactChanges(db: Executor, changes: ContactChangeInsert[]): Promise<void> {
  for (let start = 0; start < changes.length; start += CHANGES_CHUNK) {
    await db.insert(agencyContactChanges).values(changes.slice(start, start + CHANGES_CHUNK))
  }
}

/** The agency's contact changes, newest first, keyset-paginated on (changedAt, id). */
export async function listContactChanges(
  db: Executor,
  agencyId: string,
  filter: { before?: readonly [string, string]; limit: number },
): Promise<ContactChangeRow[]> {
  const conditions: SQL[] = [eq(agencyContactChanges.agencyId, agencyId)]
  if (filter.before) {
    const [changedAt, id] = filter.before
    const at = sql`${changedAt}::timestamptz`
    conditions.push(
      or(
        sql`${agencyContactChanges.changedAt} < ${at}`,
        and(eq(agencyContactChanges.changedAt, at), sql`${agencyContactChanges.id} < ${id}`),
      )!,
    )
  }
  return db
    .select()
    .from(agencyContactChanges)
    .where(and(...conditions))
    .orderBy(sql`${agencyContactChanges.changedAt} desc`, sql`${agencyContactChanges.id} desc`)
    .limit(filter.limit + 1)
}
