import { createHash, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { ConflictError, InvalidInputError, NotAllowedError, NotAuthenticatedError, NotFoundError } from '../../errors.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { withCleanupOnFailure } from '../documents/documents.service.js'
import { canChange, findChangeableRequest, findVisibleRequest } from '../requests/request-access.js'
import { findRequest, lockRequest } from '../requests/requests.repository.js'
import { classifyInbound } from './classify.js'
import * as inbound from './inbound.repository.js'
import { joinRequest } from './ingest.service.js'
import { readMail } from './mail-reader.js'
import { messageIdsIn } from './matching.js'
import { toMessage } from './message-view.js'
import * as repository from './messages.repository.js'
import { parseRequestReference } from './request-reference.js'

export type CorrespondenceDeps = Pick<AppContext, 'db' | 'storage' | 'config' | 'clock' | 'deliveries' | 'extractions'>

const cursorShape = z.tuple([z.iso.datetime(), z.uuid()])

/**
 * Whether an Authorization header carries the inbound token. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of what was sent.
 */
export function inboundTokenMatches(expected: string, authorization: string | undefined): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? ''
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(given), digest(expected)) && given !== ''
}

export function assertInboundToken(deps: Pick<CorrespondenceDeps, 'config'>, authorization: string | undefined): void {
  const expected = deps.config.inbound.token
  if (expected === null) throw new NotFoundError('Inbound mail over HTTP is off on this server (INBOUND_TOKEN is not set); the endpoint')
  if (!inboundTokenMatches(expected, authorization))
    throw new NotAuthenticatedError('The Authorization header must be "Bearer <INBOUND_TOKEN>".')
}

/** A request's thread, oldest first; anyone who may see the request may read it. */
export async function listMessages(
  deps: CorrespondenceDeps,
  user: AuthUser | null,
  requestId: string,
  query: { limit: number; cursor?: string },
) {
  const found = await findVisibleRequest(deps.db, user, requestId)
  const after = query.cursor ? decodeCursor(query.cursor, cursorShape) : null
  const mayChange = user !== null && canChange(user, found.request)
  const rows = await repository.listMessages(deps.db, requestId, after, query.limit, !mayChange)
  return toPage(rows, query.limit, toMessage, (row) => [row.createdAt.toISOString(), row.id])
}

/** The requester reads the agency's messages: only the owner's reading counts. */
export async function markMessagesRead(deps: CorrespondenceDeps, user: AuthUser, requestId: string) {
  const found = await findChangeableRequest(deps.db, user, requestId)
  if (found.request.userId !== user.id) throw new NotAllowedError('Only the requester marks their messages read.')
  const read = await repository.markRead(deps.db, requestId)
  const after = await findRequest(deps.db, requestId)
  return { read, unreadMessages: after?.request.unreadMessages ?? 0 }
}

export async function listUnmatched(deps: CorrespondenceDeps, query: { limit: number; cursor?: string }) {
  const before = query.cursor ? decodeCursor(query.cursor, cursorShape) : null
  const rows = await repository.listUnmatched(deps.db, before, query.limit)
  return toPage(rows, query.limit, toMessage, (row) => [row.createdAt.toISOString(), row.id])
}

const REQUEST_ID_IN_TEXT = /(?:^|\/requests\/)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?#]|$)/i

/**
 * The request an admin names when assigning mail: its id, its page address (…/requests/<id>), or its
 * reference ("RR-8F3K2Q", read as the ingest reads subjects, so a pasted subject line works too).
 */
export async function findRequestToAssign(deps: Pick<CorrespondenceDeps, 'db'>, text: string): Promise<string> {
  const trimmed = text.trim()
  const id = REQUEST_ID_IN_TEXT.exec(trimmed)?.[1]?.toLowerCase()
  if (id) return id
  const reference = parseRequestReference(trimmed)
  if (reference) {
    const found = await repository.findRequestByReference(deps.db, reference)
    if (!found) throw new NotFoundError('Request', reference)
    return found
  }
  throw new InvalidInputError('Give the request’s reference (RR-…), its id, or its page address /requests/<id>.', [
    { path: 'body.requestId', message: 'must name a request' },
  ])
}

/**
 * An administrator gives an unmatched message to a request: it joins the thread, its attachments
 * (read again from the stored raw message) become documents, and the requester is told as if it
 * had matched on arrival.
 */
export async function assignUnmatched(deps: CorrespondenceDeps, messageId: string, requestId: string) {
  const message = await repository.findMessage(deps.db, messageId)
  if (message?.direction !== 'inbound') throw new NotFoundError('Message', messageId)
  if (message.requestId !== null)
    throw new ConflictError('already-assigned', `Message ${messageId} already belongs to request ${message.requestId}.`)
  if (!(await findRequest(deps.db, requestId))) throw new NotFoundError('Request', requestId)
  const raw = message.inboundMailId ? await inbound.findInboundMail(deps.db, message.inboundMailId) : null
  const read = raw
    ? await readMail(await deps.storage.open(raw.sha256), deps.storage, {
        maxAttachments: deps.config.inbound.maxAttachments,
        maxAttachmentBytes: deps.config.maxUploadBytes,
      })
    : null
  try {
    const classification = read ? classifyInbound(read.parsed) : { kind: message.kind as 'reply' }
    const threadIds = read ? [...messageIdsIn(read.parsed.inReplyTo), ...messageIdsIn(read.parsed.references)] : message.references
    const keys = read?.staged.map(({ file }) => file.sha256) ?? []
    const outcome = await withCleanupOnFailure(deps, keys, async (tx) => {
      await lockRequest(tx, requestId)
      if (await repository.hasMessageId(tx, requestId, message.messageId))
        throw new ConflictError('duplicate-message', `Request ${requestId} already has a message with this Message-ID.`)
      const assigned = await repository.assignMessage(tx, messageId, requestId)
      if (!assigned) throw new ConflictError('already-assigned', `Message ${messageId} was assigned meanwhile.`)
      return joinRequest(deps, tx, assigned, read?.staged ?? [], classification, threadIds)
    })
    await deps.deliveries.enqueue(outcome.deliveries)
    await deps.extractions.enqueue(outcome.documentIds)
    return toMessage((await repository.findListedMessage(deps.db, messageId))!)
  } finally {
    if (read) await Promise.all(read.staged.map(({ file }) => file.discard()))
  }
}
