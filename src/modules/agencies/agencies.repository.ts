import { and, asc, eq, gt, ilike, not, or, type SQL, sql } from 'drizzle-orm'
import { type Executor, inUuids } from '../../db/client.js'
import { agencies, agencyClosures } from '../../db/schema/index.js'

export type AgencyRow = typeof agencies.$inferSelect
export type AgencyInsert = typeof agencies.$inferInsert
export interface AgencyClosure {
  date: string
  reason: string
}

export interface AgencyFilter {
  state?: string
  q?: string
  ringPartner?: boolean
  emailPending?: boolean
  after?: readonly [string, string]
  limit: number
}

// Matches the partial index agencies_email_pending_idx.
const emailPending = sql`(${agencies.email} is not null and ${agencies.approvedEmail} is distinct from ${agencies.email})`

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`)
}

/** Agencies ordered by name, keyset-paginated on (name, id); every word of `q` must match the name or city. */
export async function listAgencies(db: Executor, filter: AgencyFilter): Promise<AgencyRow[]> {
  const conditions: SQL[] = []
  if (filter.state) conditions.push(eq(agencies.state, filter.state))
  if (filter.ringPartner !== undefined) conditions.push(eq(agencies.ringPartner, filter.ringPartner))
  if (filter.emailPending !== undefined) conditions.push(filter.emailPending ? emailPending : not(emailPending))
  for (const word of (filter.q ?? '').split(/\s+/).filter(Boolean)) {
    const pattern = `%${escapeLike(word)}%`
    conditions.push(or(ilike(agencies.name, pattern), ilike(agencies.city, pattern))!)
  }
  if (filter.after) {
    const [name, id] = filter.after
    conditions.push(or(gt(agencies.name, name), and(eq(agencies.name, name), gt(agencies.id, id)))!)
  }
  return db
    .select()
    .from(agencies)
    .where(and(...conditions))
    .orderBy(asc(agencies.name), asc(agencies.id))
    .limit(filter.limit + 1)
}

export async function findAgency(db: Executor, id: string): Promise<AgencyRow | null> {
  const [row] = await db.select().from(agencies).where(eq(agencies.id, id))
  return row ?? null
}

/** The agency, locked for the rest of the transaction (a review reads its contacts, then writes them). */
export async function lockAgency(db: Executor, id: string): Promise<AgencyRow | null> {
  const [row] = await db.select().from(agencies).where(eq(agencies.id, id)).for('update')
  return row ?? null
}

export async function closuresOf(db: Executor, agencyIds: string[]): Promise<Map<string, AgencyClosure[]>> {
  const byAgency = new Map<string, AgencyClosure[]>(agencyIds.map((id) => [id, []]))
  if (agencyIds.length === 0) return byAgency
  const rows = await db
    .select({ agencyId: agencyClosures.agencyId, date: agencyClosures.date, reason: agencyClosures.reason })
    .from(agencyClosures)
    .where(inUuids(agencyClosures.agencyId, agencyIds))
    .orderBy(asc(agencyClosures.date))
  for (const row of rows) byAgency.get(row.agencyId)?.push({ date: row.date, reason: row.reason })
  return byAgency
}

export async function insertAgency(db: Executor, values: AgencyInsert): Promise<AgencyRow | null> {
  const [row] = await db.insert(agencies).values(values).onConflictDoNothing({ target: agencies.identityKey }).returning()
  return row ?? null
}

/** When each agency the user added since `since` was created. */
export async function agencyCreationTimesOf(db: Executor, userId: string, since: Date): Promise<Date[]> {
  const rows = await db
    .select({ createdAt: agencies.createdAt })
    .from(agencies)
    .where(and(eq(agencies.createdBy, userId), gt(agencies.createdAt, since)))
  return rows.map((row) => row.createdAt)
}

export async function findAgencyByIdentity(db: Executor, identityKey: string): Promise<AgencyRow | null> {
  const [row] = await db.select().from(agencies).where(eq(agencies.identityKey, identityKey))
  return row ?? null
}

export async function updateAgency(db: Executor, id: string, values: Partial<AgencyInsert>): Promise<AgencyRow | null> {
  const [row] = await db
    .update(agencies)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(agencies.id, id))
    .returning()
  return row ?? null
}

export async function replaceClosures(db: Executor, agencyId: string, closures: AgencyClosure[]): Promise<void> {
  await db.delete(agencyClosures).where(eq(agencyClosures.agencyId, agencyId))
  if (closures.length > 0) await db.insert(agencyClosures).values(closures.map((closure) => ({ agencyId, ...closure })))
}

const UPSERT_CHUNK = 500

/** The contacts of the agencies with these identity keys (for the history of an import's changes). */
export async function contactsByIdentity(db: Executor, identityKeys: readonly string[]) {
  if (identityKeys.length === 0) return new Map<string, Pick<AgencyRow, 'id' | 'email' | 'portalUrl' | 'mailingAddress' | 'phone'>>()
  const rows = await db
    .select({
      identityKey: agencies.identityKey,
      id: agencies.id,
      email: agencies.email,
      portalUrl: agencies.portalUrl,
      mailingAddress: agencies.mailingAddress,
      phone: agencies.phone,
    })
    .from(agencies)
    .where(sql`${agencies.identityKey} = any(select jsonb_array_elements_text(${JSON.stringify(identityKeys)}::jsonb))`)
  return new Map(rows.map(({ identityKey, ...contacts }) => [identityKey, contacts]))
}

/**
 * Inserts new agencies and, unless `insertOnly`, updates the given fields of existing ones (matched on
 * state + name + city). `keepKind`: the rows' kind is only the default for new agencies (their file
 * named none), so existing agencies keep theirs. Returns how many were created and how many updated.
 */
export async function upsertAgencies(
  db: Executor,
  rows: AgencyInsert[],
  options: { insertOnly: boolean; keepKind?: boolean },
): Promise<{ created: number; updated: number }> {
  let created = 0
  let updated = 0
  for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
    const chunk = rows.slice(start, start + UPSERT_CHUNK)
    if (options.insertOnly) {
      const inserted = await db
        .insert(agencies)
        .values(chunk)
        .onConflictDoNothing({ target: agencies.identityKey })
        .returning({ id: agencies.id })
      created += inserted.length
      continue
    }
    const result = await db
      .insert(agencies)
      .values(chunk)
      .onConflictDoUpdate({
        target: agencies.identityKey,
        set: {
          county: sql`coalesce(excluded.county, ${agencies.county})`,
          kind: options.keepKind ? sql`${agencies.kind}` : sql`excluded.kind`,
          email: sql`coalesce(excluded.email, ${agencies.email})`,
          portalUrl: sql`coalesce(excluded.portal_url, ${agencies.portalUrl})`,
          mailingAddress: sql`coalesce(excluded.mailing_address, ${agencies.mailingAddress})`,
          phone: sql`coalesce(excluded.phone, ${agencies.phone})`,
          // An address in the import is approved by the importing admin; a row without one leaves approval alone.
          approvedEmail: sql`coalesce(excluded.approved_email, ${agencies.approvedEmail})`,
          emailApprovedAt: sql`case when excluded.approved_email is null then ${agencies.emailApprovedAt} else excluded.email_approved_at end`,
          emailApprovedBy: sql`case when excluded.approved_email is null then ${agencies.emailApprovedBy} else excluded.email_approved_by end`,
          // An import can mark partners but never un-marks one; PATCH does that.
          ringPartner: sql`excluded.ring_partner or ${agencies.ringPartner}`,
          ringPartnerSince: sql`coalesce(excluded.ring_partner_since, ${agencies.ringPartnerSince})`,
          ringPartnerSincePrecision: sql`coalesce(excluded.ring_partner_since_precision, ${agencies.ringPartnerSincePrecision})`,
          updatedAt: sql`now()`,
        },
      })
      // xmax is 0 only for freshly inserted rows.
      .returning({ inserted: sql<boolean>`(xmax = 0)` })
    for (const row of result) row.inserted ? created++ : updated++
  }
  return { created, updated }
}
