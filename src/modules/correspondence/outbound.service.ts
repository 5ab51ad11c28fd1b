import type { AppContext } from '../../context.js'
import type { Executor } from '../../db/client.js'
import { ConflictError, NotAllowedError, NotFoundError, RuleViolationError, TooLargeError } from '../../errors.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { assertAgencyEmailAllowance } from '../accounts/member-limits.js'
import { countDeliveries, insertDeliveries } from '../deliveries/deliveries.repository.js'
import { findDocuments } from '../documents/documents.repository.js'
import { canSee } from '../requests/request-access.js'
import { replyAddressOf } from '../requests/request-letters.js'
import * as requests from '../requests/requests.repository.js'
import { normalizeLetterText } from '../templates/letter-renderer.js'
import { type MessageView, toMessage } from './message-view.js'
import { findThreadParent, insertMessage } from './messages.repository.js'
import { MAX_MESSAGE_ATTACHMENT_BYTES, type SendMessageInput } from './outbound.schemas.js'
import { deliveryMessageId } from './outbound-messages.js'
import { replySubject, withReference } from './request-reference.js'
import { threadHeadersAfter } from './thread-headers.js'

export type OutboundDeps = Pick<AppContext, 'db' | 'clock' | 'config' | 'deliveries'>

/**
 * The requester writes to the agency: a `message` delivery from the request's reply address,
 * threaded after the thread's latest message, recorded with the message in one transaction and
 * sent by the worker like the letter (claimed, journalled, retried; a failure is reported). It
 * counts against the member's allowance of emails to agencies. Only the request's owner may write
 * in their name (404 for a request the caller cannot see, 403 for one they can but do not own).
 */
export async function sendMessage(deps: OutboundDeps, user: AuthUser, requestId: string, input: SendMessageInput): Promise<MessageView> {
  const { message, job } = await deps.db.transaction(async (tx) => {
    const found = await requests.findRequest(tx, requestId)
    if (!found || !canSee(user, found.request)) throw new NotFoundError('Request', requestId)
    if (found.request.userId !== user.id) throw new NotAllowedError('Only the requester may write to the agency about this request.')
    const locked = (await requests.lockRequest(tx, requestId))!
    if (locked.status === 'draft') {
      throw new ConflictError(
        'not-submitted',
        'This request is still a draft: submit it first (the letter is the first message to the agency).',
      )
    }
    assertEmailable(found.agency)
    const documentIds = await attachableDocuments(tx, requestId, input.documentIds ?? [])
    await assertAgencyEmailAllowance(deps, tx, user, {
      requested: 1,
      usedSince: (since) => requests.agencyEmailTimesOf(tx, user.id, since),
    })
    const parent = await findThreadParent(tx, requestId)
    const thread = threadHeadersAfter(parent)
    const subject = withReference(input.subject ?? replySubject(parent?.subject ?? locked.subject), locked.reference)
    const sequence = await countDeliveries(tx, requestId, 'message')
    const [job] = await insertDeliveries(tx, [{ requestId, kind: 'message', recipient: 'agency', sequence, sendAt: deps.clock.now() }])
    if (!job) throw new Error(`message delivery ${sequence} of request ${requestId} already exists`)
    const message = await insertMessage(tx, {
      requestId,
      direction: 'outbound',
      kind: 'message',
      fromAddress: replyAddressOf(deps.config.replyDomain, locked),
      toAddresses: [found.agency.email!],
      subject,
      text: normalizeLetterText(input.text),
      messageId: deliveryMessageId(deps.config.replyDomain, job.id),
      inReplyTo: thread.inReplyTo,
      references: thread.references,
      deliveryId: job.id,
      attachmentDocumentIds: documentIds,
    })
    return { message, job }
  })
  await deps.deliveries.enqueue([job])
  return toMessage({ ...message, documentIds: message.attachmentDocumentIds, deliveryStatus: 'scheduled', deliveryError: null })
}

/** 409 unless the agency has an address an administrator approved, saying how else to reach it. */
function assertEmailable(agency: requests.AgencySummary): void {
  if (agency.email && agency.emailApproved) return
  const otherWays = [
    agency.portalUrl ? `its records portal (${agency.portalUrl})` : null,
    agency.mailingAddress ? `post to ${agency.mailingAddress.replace(/\s*\n\s*/g, ', ')}` : null,
  ].filter(Boolean)
  const how = otherWays.length > 0 ? `Write through ${otherWays.join(' or ')}` : 'Write to it by post or through its portal'
  const why = agency.email
    ? `The address ${agency.email} of ${agency.name} waits for an administrator's approval`
    : `${agency.name} has no email address on file`
  throw new ConflictError('agency-not-emailable', `${why}. ${how}, and log what you sent as a note.`)
}

/** The request's own documents, ready (their bytes checked), within the size allowance; 422 naming each one that is not. */
async function attachableDocuments(tx: Executor, requestId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const found = new Map((await findDocuments(tx, ids)).map((document) => [document.id, document]))
  const problems = ids.flatMap((id, index) => {
    const document = found.get(id.toLowerCase())
    if (!document || document.requestId !== requestId)
      return [{ path: `body.documentIds.${index}`, message: 'is not a document of this request' }]
    if (document.status !== 'ready') return [{ path: `body.documentIds.${index}`, message: `is ${document.status}, not ready` }]
    return []
  })
  if (problems.length > 0) throw new RuleViolationError('Only documents of this request that are ready can be attached.', problems)
  const total = ids.reduce((sum, id) => sum + found.get(id.toLowerCase())!.size, 0)
  if (total > MAX_MESSAGE_ATTACHMENT_BYTES) {
    throw new TooLargeError(
      `The documents come to ${total} bytes; a message may attach ${MAX_MESSAGE_ATTACHMENT_BYTES} bytes in all, which most mail servers accept. Send fewer, or share a link in the text.`,
    )
  }
  return ids.map((id) => id.toLowerCase())
}
