import { z } from 'zod'
import type { AppContext } from '../../context.js'
import type { Database } from '../../db/client.js'
import { isUniqueViolation } from '../../db/errors.js'
import { ConflictError, InvalidInputError, NotAllowedError, NotFoundError, RuleViolationError } from '../../errors.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { assertAgencyCreationAllowance } from '../accounts/member-limits.js'
import { findJurisdiction, listJurisdictions } from '../jurisdictions/jurisdictions.repository.js'
import * as repository from './agencies.repository.js'
import type { CreateAgencyInput, UpdateAgencyInput } from './agencies.schemas.js'
import { AgencyCsvError, parseAgencyCsv, toAgencyValues } from './agency-csv.js'
import { agencyIdentityKey } from './agency-fields.js'
import { recordContactChanges } from './contact-history.service.js'

export type Agency = ReturnType<typeof toAgency>
export type AgencyDeps = Pick<AppContext, 'db' | 'clock' | 'config'>

/**
 * The columns that record an administrator's approval of `email` (null `by`: the seed). Email goes
 * only to the address recorded here, so an address changed any other way waits for approval.
 */
export function approvedEmailColumns(email: string | null, by: string | null, at: Date) {
  return email === null
    ? { approvedEmail: null, emailApprovedAt: null, emailApprovedBy: null }
    : { approvedEmail: email, emailApprovedAt: at, emailApprovedBy: by }
}

export function isEmailApproved(row: Pick<repository.AgencyRow, 'email' | 'approvedEmail'>): boolean {
  return row.email !== null && row.email === row.approvedEmail
}

export function toAgency(row: repository.AgencyRow, closures: repository.AgencyClosure[]) {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    city: row.city,
    county: row.county,
    kind: row.kind,
    email: row.email,
    emailApproved: isEmailApproved(row),
    portalUrl: row.portalUrl,
    mailingAddress: row.mailingAddress,
    phone: row.phone,
    ringPartner: row.ringPartner,
    ringPartnerSince: row.ringPartnerSince,
    ringPartnerSincePrecision: row.ringPartnerSincePrecision,
    closures,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

const agencyCursor = z.tuple([z.string(), z.uuid()])

export async function listAgencies(
  db: Database,
  user: AuthUser | null,
  query: { state?: string; q?: string; ringPartner?: boolean; emailPending?: boolean; limit: number; cursor?: string },
) {
  if (query.emailPending !== undefined && user?.role !== 'admin') {
    throw new NotAllowedError('Only administrators may list agencies by the approval of their address.')
  }
  const after = query.cursor ? decodeCursor(query.cursor, agencyCursor) : undefined
  const rows = await repository.listAgencies(db, { ...query, after })
  const closures = await repository.closuresOf(
    db,
    rows.map((row) => row.id),
  )
  return toPage(
    rows,
    query.limit,
    (row) => toAgency(row, closures.get(row.id) ?? []),
    (row) => [row.name, row.id],
  )
}

export async function getAgency(db: Database, id: string): Promise<Agency> {
  const row = await repository.findAgency(db, id)
  if (!row) throw new NotFoundError('Agency', id)
  const closures = await repository.closuresOf(db, [id])
  return toAgency(row, closures.get(id) ?? [])
}

async function assertKnownState(db: Database, state: string): Promise<void> {
  if (!(await findJurisdiction(db, state))) {
    throw new RuleViolationError(`No records law is known for state "${state}".`, [{ path: 'body.state', message: 'Unknown state code' }])
  }
}

function sinceColumns(since: { date: string; precision: 'day' | 'month' } | null | undefined) {
  if (since === undefined) return {}
  return { ringPartnerSince: since?.date ?? null, ringPartnerSincePrecision: since?.precision ?? null }
}

/**
 * Adds an agency. Agencies are shared, so a member may add a few a day (AGENCIES_PER_USER_PER_DAY),
 * and an address a member gives is not emailed until an administrator approves it.
 */
export async function createAgency(deps: AgencyDeps, user: AuthUser, input: CreateAgencyInput): Promise<Agency> {
  await assertKnownState(deps.db, input.state)
  const { ringPartnerSince, ...fields } = input
  const identityKey = agencyIdentityKey(input)
  const approval = user.role === 'admin' ? approvedEmailColumns(input.email ?? null, user.id, deps.clock.now()) : {}
  return deps.db.transaction(async (tx) => {
    await assertAgencyCreationAllowance(deps, tx, user, (since) => repository.agencyCreationTimesOf(tx, user.id, since))
    const row = await repository.insertAgency(tx, {
      ...fields,
      ...sinceColumns(ringPartnerSince),
      ...approval,
      identityKey,
      createdBy: user.id,
    })
    if (!row) {
      const existing = await repository.findAgencyByIdentity(tx, identityKey)
      throw new ConflictError('agency-exists', `${input.name} (${input.city ?? input.state}) is already listed as agency ${existing?.id}.`)
    }
    return toAgency(row, [])
  })
}

/** What an administrator's change does to the approval of the address (see `emailApproved` in the schema). */
function approvalChange(admin: AuthUser, current: repository.AgencyRow, input: UpdateAgencyInput, now: Date) {
  const email = input.email === undefined ? current.email : input.email
  if (input.emailApproved === false) return approvedEmailColumns(null, null, now)
  if (input.emailApproved === undefined && input.email === undefined) return {}
  if (email === null) {
    if (input.emailApproved) {
      throw new RuleViolationError(`${current.name} has no email address to approve.`, [
        { path: 'body.emailApproved', message: 'No address on file' },
      ])
    }
    return approvedEmailColumns(null, null, now)
  }
  return approvedEmailColumns(email, admin.id, now)
}

export async function updateAgency(deps: AgencyDeps, admin: AuthUser, id: string, input: UpdateAgencyInput): Promise<Agency> {
  const { db } = deps
  const { closures, ringPartnerSince, emailApproved: _emailApproved, ...fields } = input
  if (closures && new Set(closures.map((closure) => closure.date)).size !== closures.length) {
    throw new InvalidInputError('Each closure date may appear once.', [{ path: 'body.closures', message: 'Duplicate date' }])
  }
  const updated = await db
    .transaction(async (tx) => {
      const current = await repository.lockAgency(tx, id)
      if (!current) throw new NotFoundError('Agency', id)
      const identityKey = agencyIdentityKey({ ...current, ...fields })
      if (identityKey !== current.identityKey && (await repository.findAgencyByIdentity(tx, identityKey))) {
        throw new ConflictError('agency-exists', 'Another agency with that name already exists in that city and state.')
      }
      const row = await repository.updateAgency(tx, id, {
        ...fields,
        ...sinceColumns(ringPartnerSince),
        ...approvalChange(admin, current, input, deps.clock.now()),
        identityKey,
      })
      if (closures) await repository.replaceClosures(tx, id, closures)
      await recordContactChanges(tx, [{ agencyId: id, before: current, after: row! }], {
        source: 'edit',
        userId: admin.id,
        at: deps.clock.now(),
      })
      return row!
    })
    .catch((error: unknown) => {
      // Another update took the same name at the same moment.
      if (isUniqueViolation(error))
        throw new ConflictError('agency-exists', 'Another agency with that name already exists in that city and state.')
      throw error
    })
  return toAgency(updated, (await repository.closuresOf(db, [id])).get(id) ?? [])
}

export async function importAgencies(deps: AgencyDeps, user: AuthUser, csvText: string) {
  const { db } = deps
  let parsed: ReturnType<typeof parseAgencyCsv>
  try {
    parsed = parseAgencyCsv(csvText)
  } catch (error) {
    if (error instanceof AgencyCsvError) throw new RuleViolationError(error.message)
    throw error
  }
  const known = new Set((await listJurisdictions(db)).map((jurisdiction) => jurisdiction.code))
  const rejected = [...parsed.rejected]
  const accepted = parsed.rows.filter((row) => {
    if (known.has(row.state)) return true
    rejected.push({ line: row.line, reasons: [`state: no records law is known for "${row.state}"`] })
    return false
  })
  const now = deps.clock.now()
  const values = accepted.map((row) => {
    const columns = toAgencyValues(row)
    return {
      columns: { ...columns, ...approvedEmailColumns(columns.email ?? null, user.id, now), createdBy: user.id },
      kindGiven: row.kind !== null,
    }
  })
  const keys = values.map((value) => value.columns.identityKey)
  const counts = await db.transaction(async (tx) => {
    const before = await repository.contactsByIdentity(tx, keys)
    const withKind = await repository.upsertAgencies(
      tx,
      values.filter((value) => value.kindGiven).map((value) => value.columns),
      { insertOnly: false },
    )
    const withoutKind = await repository.upsertAgencies(
      tx,
      values.filter((value) => !value.kindGiven).map((value) => value.columns),
      { insertOnly: false, keepKind: true },
    )
    const after = await repository.contactsByIdentity(tx, [...before.keys()])
    await recordContactChanges(
      tx,
      [...before].map(([key, old]) => ({ agencyId: old.id, before: old, after: after.get(key)! })),
      { source: 'import', userId: user.id, at: now },
    )
    return { created: withKind.created + withoutKind.created, updated: withKind.updated + withoutKind.updated }
  })
  return { ...counts, rejected: rejected.sort((a, b) => a.line - b.line) }
}
