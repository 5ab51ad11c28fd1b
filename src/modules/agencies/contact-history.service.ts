import { z } from 'zod'
import type { Database, Executor } from '../../db/client.js'
import { NotFoundError } from '../../errors.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import * as agencies from './agencies.repository.js'
import * as repository from './agency-suggestions.repository.js'
import { type Contacts, contactChanges, contactsOf } from './contact-changes.js'

/** Writes the contact fields that changed between two states of each agency to its history. */
export async function recordContactChanges(
  db: Executor,
  states: readonly { agencyId: string; before: Contacts; after: Contacts }[],
  by: { source: 'edit' | 'import'; userId: string; at: Date },
): Promise<void> {
  await repository.insertContactChanges(
    db,
    states.flatMap(({ agencyId, before, after }) =>
      contactChanges(contactsOf(before), contactsOf(after)).map((change) => ({
        ...change,
        agencyId,
        source: by.source,
        changedBy: by.userId,
        changedAt: by.at,
      })),
    ),
  )
}

const historyCursor = z.tuple([z.iso.datetime(), z.uuid()])

/** The agency's contact changes, newest first (public: contacts are public, who changed them is not shown). */
export async function contactHistory(db: Database, agencyId: string, query: { limit: number; cursor?: string }) {
  if (!(await agencies.findAgency(db, agencyId))) throw new NotFoundError('Agency', agencyId)
  const before = query.cursor ? decodeCursor(query.cursor, historyCursor) : undefined
  const rows = await repository.listContactChanges(db, agencyId, { before, limit: query.limit })
  return toPage(
    rows,
    query.limit,
    (row) => ({
      id: row.id,
      field: row.field,
      oldValue: row.oldValue,
      newValue: row.newValue,
      source: row.source,
      suggestionId: row.suggestionId,
      changedAt: row.changedAt.toISOString(),
    }),
    (row) => [row.changedAt.toISOString(), row.id],
  )
}
