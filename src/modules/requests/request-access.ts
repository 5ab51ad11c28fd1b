import type { Executor } from '../../db/client.js'
import { NotAllowedError, NotFoundError } from '../../errors.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import * as repository from './requests.repository.js'

/**
 * Anyone sees a public request once it is filed; the requester and administrators see it always.
 * Search decides the same in SQL (the document_pages triggers of migration 0006);
 * test/api/visibility-rule.test.ts holds the two to one rule.
 */
export function canSee(user: AuthUser | null, request: repository.RequestRow): boolean {
  return (request.visibility === 'public' && request.status !== 'draft') || (user !== null && canChange(user, request))
}

/**
 * A document is public when its request is and it has been published after review; the requester
 * and administrators see every one. Search decides the same in SQL: document_is_public() (migration
 * 0021) fills document_pages.public; test/api/visibility-rule.test.ts holds the two to one rule.
 */
export function canSeeDocument(user: AuthUser | null, request: repository.RequestRow, document: { publishedAt: Date | null }): boolean {
  return (user !== null && canChange(user, request)) || (canSee(null, request) && document.publishedAt !== null)
}

export function canChange(user: AuthUser, request: repository.RequestRow): boolean {
  return user.role === 'admin' || request.userId === user.id
}

/** The request if the caller may see it; otherwise 404, so private requests do not reveal that they exist. */
export async function findVisibleRequest(db: Executor, user: AuthUser | null, id: string): Promise<repository.RequestWithAgency> {
  const found = await repository.findRequest(db, id)
  if (!found || !canSee(user, found.request)) throw new NotFoundError('Request', id)
  return found
}

export async function findChangeableRequest(db: Executor, user: AuthUser, id: string): Promise<repository.RequestWithAgency> {
  const found = await findVisibleRequest(db, user, id)
  if (!canChange(user, found.request)) throw new NotAllowedError('Only the requester or an administrator may change this request.')
  return found
}
