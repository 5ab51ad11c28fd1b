import { ConflictError, NotFoundError } from '../../errors.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { moveDeadlinesIn, type RequestDeps } from '../requests/requests.service.js'
import * as repository from './jurisdiction-closures.repository.js'
import { findJurisdiction } from './jurisdictions.repository.js'
import type { CreateClosureInput } from './jurisdictions.schemas.js'

export function toClosure(row: repository.JurisdictionClosureRow) {
  return {
    jurisdictionCode: row.jurisdictionCode,
    date: row.date,
    reason: row.reason,
    source: row.source,
    createdAt: row.createdAt.toISOString(),
  }
}

async function requireJurisdiction(deps: RequestDeps, code: string): Promise<void> {
  if (!(await findJurisdiction(deps.db, code))) throw new NotFoundError('Jurisdiction', code)
}

export async function listJurisdictionClosures(deps: RequestDeps, code: string) {
  await requireJurisdiction(deps, code)
  return (await repository.listClosures(deps.db, code)).map(toClosure)
}

/**
 * Closes the jurisdiction's offices on a day (a proclamation, a storm): every open request there is
 * counted again, and each requester whose due date moved is told once.
 */
export async function addJurisdictionClosure(deps: RequestDeps, user: AuthUser, code: string, input: CreateClosureInput) {
  await requireJurisdiction(deps, code)
  const { closure, moved, queue } = await deps.db.transaction(async (tx) => {
    const row = await repository.insertClosure(tx, {
      jurisdictionCode: code,
      date: input.date,
      reason: input.reason,
      source: input.source ?? null,
    })
    if (!row) throw new ConflictError('closure-exists', `${code} already has a closure on ${input.date}; remove it first to change it.`)
    const result = await moveDeadlinesIn(deps, tx, {
      state: code,
      why: `State offices closed on ${input.date} (${input.reason})`,
      by: user.id,
    })
    return { closure: toClosure(row), ...result }
  })
  await deps.deliveries.enqueue(queue)
  return { closure, requestsMoved: moved }
}

export async function removeJurisdictionClosure(deps: RequestDeps, user: AuthUser, code: string, date: string): Promise<void> {
  await requireJurisdiction(deps, code)
  const queue = await deps.db.transaction(async (tx) => {
    const row = await repository.deleteClosure(tx, code, date)
    if (!row) throw new NotFoundError(`Closure of ${code} on`, date)
    const result = await moveDeadlinesIn(deps, tx, {
      state: code,
      why: `State offices open again on ${date} (closure "${row.reason}" removed)`,
      by: user.id,
    })
    return result.queue
  })
  await deps.deliveries.enqueue(queue)
}
