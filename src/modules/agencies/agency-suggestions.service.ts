import { z } from 'zod'
import type { Database, Executor } from '../../db/client.js'
import { ConflictError, NotFoundError } from '../../errors.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import * as agencies from './agencies.repository.js'
import { type AgencyDeps, approvedEmailColumns } from './agencies.service.js'
import * as repository from './agency-suggestions.repository.js'
import type { SuggestionInput } from './agency-suggestions.schemas.js'
import { applySuggestion, contactChanges, contactsOf } from './contact-changes.js'
import { suggestibleSender } from './contact-domain.js'

export function toSuggestion(row: NonNullable<Awaited<ReturnType<typeof repository.findSuggestion>>>) {
  const { suggestion, agency } = row
  return {
    id: suggestion.id,
    agency: { id: agency.id, name: agency.name, state: agency.state },
    status: suggestion.status,
    source: suggestion.source,
    ...contactsOf(suggestion),
    note: suggestion.note,
    current: contactsOf(agency),
    suggestedBy: row.suggestedBy,
    messageId: suggestion.messageId,
    createdAt: suggestion.createdAt.toISOString(),
    reviewedBy: row.reviewedBy,
    reviewedAt: suggestion.reviewedAt?.toISOString() ?? null,
  }
}

export type Suggestion = ReturnType<typeof toSuggestion>

async function loadSuggestion(db: Executor, id: string): Promise<Suggestion> {
  const row = await repository.findSuggestion(db, id)
  if (!row) throw new NotFoundError('Suggestion', id)
  return toSuggestion(row)
}

/** Anyone signed in may suggest an agency's contacts; nothing changes until an administrator accepts. */
export async function suggestContacts(deps: AgencyDeps, user: AuthUser, agencyId: string, input: SuggestionInput): Promise<Suggestion> {
  if (!(await agencies.findAgency(deps.db, agencyId))) throw new NotFoundError('Agency', agencyId)
  const row = await repository.insertSuggestion(deps.db, {
    agencyId,
    source: 'member',
    suggestedBy: user.id,
    email: input.email ?? null,
    portalUrl: input.portalUrl ?? null,
    mailingAddress: input.mailingAddress ?? null,
    phone: input.phone ?? null,
    note: input.note || null,
  })
  return loadSuggestion(deps.db, row.id)
}

const suggestionCursor = z.tuple([z.iso.datetime(), z.uuid()])

export async function listSuggestions(
  db: Database,
  query: { status?: repository.SuggestionStatus; agencyId?: string; limit: number; cursor?: string },
) {
  const after = query.cursor ? decodeCursor(query.cursor, suggestionCursor) : undefined
  const rows = await repository.listSuggestions(db, { ...query, after })
  return toPage(rows, query.limit, toSuggestion, (row) => [row.suggestion.createdAt.toISOString(), row.suggestion.id])
}

async function lockPending(db: Executor, id: string): Promise<repository.SuggestionRow> {
  const suggestion = await repository.lockSuggestion(db, id)
  if (!suggestion) throw new NotFoundError('Suggestion', id)
  if (suggestion.status !== 'pending') throw new ConflictError('suggestion-reviewed', `This suggestion was already ${suggestion.status}.`)
  return suggestion
}

/**
 * Copies the suggestion's fields onto the agency, in one step: an email address accepted here is
 * approved by the accepting administrator. Every field that changes is written to the history.
 */
export async function acceptSuggestion(deps: AgencyDeps, admin: AuthUser, id: string): Promise<Suggestion> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const suggestion = await lockPending(tx, id)
    const agency = (await agencies.lockAgency(tx, suggestion.agencyId))!
    const next = applySuggestion(contactsOf(agency), contactsOf(suggestion))
    const approval = suggestion.email ? approvedEmailColumns(suggestion.email, admin.id, now) : {}
    await agencies.updateAgency(tx, agency.id, { ...next, ...approval })
    await repository.insertContactChanges(
      tx,
      contactChanges(contactsOf(agency), next).map((change) => ({
        ...change,
        agencyId: agency.id,
        source: 'suggestion' as const,
        suggestionId: suggestion.id,
        changedBy: admin.id,
        changedAt: now,
      })),
    )
    await repository.markReviewed(tx, id, { status: 'accepted', reviewedBy: admin.id, reviewedAt: now })
  })
  return loadSuggestion(deps.db, id)
}

export async function rejectSuggestion(deps: AgencyDeps, admin: AuthUser, id: string): Promise<Suggestion> {
  await deps.db.transaction(async (tx) => {
    await lockPending(tx, id)
    await repository.markReviewed(tx, id, { status: 'rejected', reviewedBy: admin.id, reviewedAt: deps.clock.now() })
  })
  return loadSuggestion(deps.db, id)
}

/**
 * A reply to one of the agency's requests came from `sender`, an address the agency does not list:
 * when it may be the agency's own (contact-domain.ts), it becomes a pending suggestion, once per
 * address. Runs inside the ingest's transaction.
 */
export async function suggestFromReply(
  tx: Executor,
  agency: { id: string; email: string | null; portalUrl: string | null },
  reply: { id: string; sender: string; dmarc: string | undefined; requestReference: string },
): Promise<void> {
  const match = suggestibleSender(reply.sender, agency, reply.dmarc)
  if (!match) return
  const why =
    match === 'same-domain'
      ? 'of the domain of the agency’s listed contacts'
      : 'the agency lists no email address or portal to compare it with'
  await repository.insertReplySuggestion(tx, {
    agencyId: agency.id,
    source: 'reply',
    messageId: reply.id,
    email: reply.sender.toLowerCase(),
    note: `The agency replied to request ${reply.requestReference} from this address (${why}; DMARC: ${reply.dmarc ?? 'not checked'}).`,
  })
}
