import { pipeline } from 'node:stream/promises'
import type { AddressObject, ParsedMail } from 'mailparser'
import type { MailAuthentication } from '../../adapters/mail-auth.js'
import type { AppContext } from '../../context.js'
import type { Transaction } from '../../db/client.js'
import type { StoredEnvelope } from '../../db/schema/index.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import type { InboundHandlers } from '../../jobs/runner.js'
import { suggestFromReply } from '../agencies/agency-suggestions.service.js'
import { insertRequesterNotice } from '../deliveries/deliveries.repository.js'
import * as documents from '../documents/documents.repository.js'
import { withCleanupOnFailure } from '../documents/documents.service.js'
import { FILE_TYPES } from '../documents/file-types.js'
import { storableText } from '../documents/page-text.js'
import { findRequest, holdRequestLock } from '../requests/requests.repository.js'
import { classifyInbound, type InboundClassification } from './classify.js'
import { HeaderBlockTap } from './header-block.js'
import * as inbound from './inbound.repository.js'
import { MalformedMailError, type ReadMail, readMail, type StagedAttachment } from './mail-reader.js'
import { deliveryIdsIn, messageIdsIn, replyKeysIn } from './matching.js'
import * as repository from './messages.repository.js'
import { parseRequestReference } from './request-reference.js'

export type IngestDeps = Pick<
  AppContext,
  'db' | 'storage' | 'config' | 'logger' | 'clock' | 'extractions' | 'deliveries' | 'ingests' | 'mailAuth'
>

const RECONCILE_PAGE = 1_000
/** A message's text beyond this is cut (a megabyte of text is no letter). */
const MAX_TEXT_CHARS = 1_000_000
/** Header fields whose addresses may name the request's reply address. */
const RECIPIENT_FIELDS = new Set(['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to'])
const ADDRESS = /[^\s<>,;:"'()[\]\\]+@[^\s<>,;:"'()[\]\\]+/g

export function createInboundHandlers(deps: IngestDeps): InboundHandlers {
  return {
    ingest: (id) => ingest(deps, id),
    giveUp: (id, reason) => inbound.recordFailure(deps.db, id, `Ingest failed: ${reason}`, true),
    async reconcile() {
      let queued = 0
      let after: [Date, string] | null = null
      for (;;) {
        const page = await inbound.pendingPage(deps.db, after, RECONCILE_PAGE)
        if (page.length === 0) return queued
        await deps.ingests.enqueue(page.map((row) => row.id))
        queued += page.length
        const last = page.at(-1)!
        after = [last.receivedAt, last.id]
      }
    },
  }
}

/** How a message found its request, for the log and the tests. */
export type MatchedBy = 'address' | 'thread' | 'reference' | null

/**
 * Reads one stored raw message into a message of its request's thread. A message that is not MIME at
 * all is marked failed with the reason at once (its bytes stay); any other error is thrown, to be
 * retried until INBOUND_MAX_ATTEMPTS (counted in the database) are spent. Everything the message
 * causes (the message row, its documents, the requester's notice, a bounced delivery marked failed)
 * is written in one transaction, and the same Message-ID for the same request is one message, so a
 * retried job or a message delivered twice does it all once.
 */
async function ingest(deps: IngestDeps, id: string): Promise<void> {
  const mail = await inbound.beginIngest(deps.db, id)
  if (!mail) return
  const { maxAttempts, maxAttachments } = deps.config.inbound
  if (mail.attempts > maxAttempts) {
    await inbound.recordFailure(deps.db, id, `Ingest was begun ${maxAttempts} times and never finished.`, true)
    return
  }
  let read: ReadMail | null = null
  try {
    // One read of the stored message feeds the parser and keeps the header block for authentication.
    const tap = new HeaderBlockTap()
    const source = await deps.storage.open(mail.sha256)
    // A read error reaches readMail through the tap, which the pipeline destroys with it.
    pipeline(source, tap).catch(() => {})
    const [parsedMail, authentication] = await Promise.all([
      readMail(tap, deps.storage, { maxAttachments, maxAttachmentBytes: deps.config.maxUploadBytes }),
      authenticate(deps, mail.sha256, mail.envelope, tap.header),
    ])
    read = parsedMail
    const classification = classifyInbound(read.parsed)
    const { requestId, matchedBy } = await match(deps, read.parsed, mail.envelope, classification)
    const outcome = await record(deps, mail, read, classification, requestId, authentication)
    // Both at once: one wait for Redis, not two.
    await Promise.all([deps.deliveries.enqueue(outcome.deliveries), deps.extractions.enqueue(outcome.documentIds)])
    deps.logger.info(
      {
        inboundMail: id,
        message: outcome.messageId,
        request: requestId,
        matchedBy,
        kind: classification.kind,
        duplicate: !outcome.created,
      },
      'inbound message ingested',
    )
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    if (error instanceof MalformedMailError) {
      await inbound.recordFailure(deps.db, id, reason, true)
      deps.logger.warn({ inboundMail: id, reason }, 'inbound message cannot be read; kept, marked failed')
      return
    }
    await inbound.recordFailure(deps.db, id, reason, false)
    throw error
  } finally {
    if (read) await Promise.all(read.staged.map(({ file }) => file.discard()))
  }
}

const DKIM_SIGNATURE = /^dkim-signature[ \t]*:/im

/**
 * DKIM, SPF and DMARC; a failure to check is "temperror", never a reason to lose the message. Only
 * a DKIM signature needs the body (its hash): unsigned mail is checked from its header block alone,
 * and signed mail (or a header block too long to keep aside) is read again from storage, whole.
 */
async function authenticate(
  deps: IngestDeps,
  sha256: string,
  envelope: StoredEnvelope,
  headerBlock: Promise<Buffer | null>,
): Promise<MailAuthentication> {
  const input = { sender: envelope.mailFrom, ip: envelope.remoteAddress }
  try {
    const header = await headerBlock
    if (header && !DKIM_SIGNATURE.test(header.toString('latin1'))) return await deps.mailAuth.verify(header, input)
    return await deps.mailAuth.verify(await deps.storage.open(sha256), input)
  } catch (error) {
    deps.logger.warn({ err: error }, 'mail authentication could not be checked')
    return { dkim: 'temperror', spf: 'temperror', dmarc: 'temperror' }
  }
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value]
  const flat = (entries: AddressObject['value']): string[] =>
    entries.flatMap((entry) => (entry.group ? flat(entry.group) : entry.address ? [entry.address] : []))
  return objects.flatMap((object) => flat(object.value))
}

/** Every address in the recipient header fields, as written (headerLines keep Delivered-To and X-Original-To, which mailparser does not parse). */
function recipientAddresses(parsed: ParsedMail, envelope: StoredEnvelope): string[] {
  const fromHeaders = parsed.headerLines
    .filter((line) => RECIPIENT_FIELDS.has(line.key))
    .flatMap((line) => line.line.slice(line.line.indexOf(':') + 1).match(ADDRESS) ?? [])
  return [...addressesOf(parsed.to), ...addressesOf(parsed.cc), ...fromHeaders, ...envelope.rcptTo]
}

function threadIds(parsed: ParsedMail, classification: InboundClassification): string[] {
  const ids = [...messageIdsIn(parsed.inReplyTo), ...messageIdsIn(parsed.references)]
  const original = classification.bounce?.originalMessageId
  return original ? [original, ...ids.filter((id) => id !== original)] : ids
}

/** The request a message belongs to, trying the reply address, then the thread, then the subject reference. */
async function match(
  deps: IngestDeps,
  parsed: ParsedMail,
  envelope: StoredEnvelope,
  classification: InboundClassification,
): Promise<{ requestId: string | null; matchedBy: MatchedBy }> {
  const { replyDomain } = deps.config
  const byAddress = await repository.findRequestByReplyKeys(deps.db, replyKeysIn(recipientAddresses(parsed, envelope), replyDomain))
  if (byAddress) return { requestId: byAddress, matchedBy: 'address' }
  const ids = threadIds(parsed, classification)
  const byThread = await repository.findRequestBySentIds(deps.db, ids, deliveryIdsIn(ids, replyDomain))
  if (byThread) return { requestId: byThread, matchedBy: 'thread' }
  const reference = parseRequestReference(parsed.subject ?? '')
  const byReference = reference ? await repository.findRequestByReference(deps.db, reference) : null
  if (byReference) return { requestId: byReference, matchedBy: 'reference' }
  return { requestId: null, matchedBy: null }
}

function bareMessageId(parsed: ParsedMail, sha256: string): string {
  return messageIdsIn(parsed.messageId)[0] ?? `missing-${sha256}@inbound.invalid`
}

interface Recorded {
  messageId: string
  created: boolean
  deliveries: DeliveryJob[]
  documentIds: string[]
}

async function record(
  deps: IngestDeps,
  mail: inbound.InboundMailRow,
  read: ReadMail,
  classification: InboundClassification,
  requestId: string | null,
  authentication: MailAuthentication,
): Promise<Recorded> {
  const { parsed } = read
  const keys = read.staged.map(({ file }) => file.sha256)
  return withCleanupOnFailure(deps, keys, async (tx) => {
    // Sent together (pipelined on the transaction's connection), run in this order: the lock first.
    const [, , { row, created }] = await Promise.all([
      requestId ? holdRequestLock(tx, requestId) : null,
      inbound.markIngested(tx, mail.id),
      repository.insertOrFindMessage(tx, {
        requestId,
        direction: 'inbound',
        kind: classification.kind,
        fromAddress: storableText(addressesOf(parsed.from)[0] ?? mail.envelope.mailFrom ?? ''),
        toAddresses: addressesOf(parsed.to).map(storableText),
        ccAddresses: addressesOf(parsed.cc).map(storableText),
        subject: storableText(parsed.subject ?? ''),
        text: storableText((parsed.text ?? '').slice(0, MAX_TEXT_CHARS)),
        messageId: storableText(bareMessageId(parsed, mail.sha256)),
        inReplyTo: messageIdsIn(parsed.inReplyTo)[0] ?? null,
        references: messageIdsIn(parsed.references),
        sentAt: mail.receivedAt,
        inboundMailId: mail.id,
        authentication,
        suggestion: classification.suggestion ?? null,
        notes: read.notes.map(storableText),
      }),
    ])
    const joined =
      created && requestId ? await joinRequest(deps, tx, row, read.staged, classification, threadIds(parsed, classification)) : null
    return { messageId: row.id, created, deliveries: joined?.deliveries ?? [], documentIds: joined?.documentIds ?? [] }
  })
}

/**
 * What a message joining its request brings about, inside the caller's transaction (ingest, or an
 * administrator assigning unmatched mail): its attachments become documents of the request; a reply
 * tells the requester (a delivery, so durable and once) and an unknown sender address is remembered
 * for the agency (and, when it may be the agency's own, suggested as its contact); a bounce marks the
 * email it returns failed and tells the requester. Auto-replies change nothing. Independent statements
 * are sent together (pipelined).
 */
export async function joinRequest(
  deps: Pick<IngestDeps, 'clock' | 'config'>,
  tx: Transaction,
  message: repository.InboundMessageRow,
  staged: readonly StagedAttachment[],
  classification: InboundClassification,
  threadMessageIds: readonly string[],
): Promise<{ deliveries: DeliveryJob[]; documentIds: string[] }> {
  const requestId = message.requestId!
  const receivedAt = message.sentAt ?? deps.clock.now()
  const notify = (kind: 'agency_replied' | 'delivery_failed', aboutId: string) =>
    insertRequesterNotice(tx, { requestId, kind, sendAt: deps.clock.now(), aboutId })
  // A records portal's automatic notice can carry a step the requester must act on (a fee, records
  // released, a question): those are told like a person's reply; plain out-of-office notes are not.
  const told = message.kind === 'reply' || (message.kind === 'auto_reply' && classification.suggestion?.event !== undefined)
  const from = message.fromAddress.toLowerCase()
  // The caller holds the stored files' locks, so the files go in place while the rows are written;
  // the statements are sent together (pipelined).
  const [, stored, deliveries, observed] = await Promise.all([
    Promise.all(staged.map(({ file }) => file.commit())),
    Promise.all(
      staged.map(({ file, filename, type }) =>
        documents.insertOrFindDocumentId(tx, {
          requestId,
          source: 'email',
          messageId: message.id,
          title: filename,
          kind: type === 'email' ? 'correspondence' : 'other',
          filename,
          mimeType: FILE_TYPES[type].mimeType,
          size: file.size,
          sha256: file.sha256,
          receivedAt,
        }),
      ),
    ),
    told ? notify('agency_replied', message.id) : [],
    told && from.includes('@') ? repository.recordObservedAddress(tx, requestId, from) : false,
  ])
  const documentIds = stored.filter(({ created }) => created).map(({ id }) => id)
  if (observed) {
    const found = (await findRequest(tx, requestId))!
    await suggestFromReply(tx, found.agency, {
      id: message.id,
      sender: from,
      dmarc: message.authentication?.dmarc,
      requestReference: found.request.reference,
    })
  }
  if (message.kind === 'bounce') {
    const ids = [...threadMessageIds]
    const bounced = await repository.findBouncedDelivery(tx, requestId, deliveryIdsIn(ids, deps.config.replyDomain), ids)
    const reason = classification.bounce?.reason ?? 'The agency’s mail server returned the message.'
    const failed = bounced ? await repository.markBounced(tx, bounced.id, reason) : null
    if (failed) return { deliveries: await notify('delivery_failed', failed.id), documentIds }
  }
  return { deliveries, documentIds }
}
