import { join } from 'node:path'
import { buffer } from 'node:stream/consumers'
import { type AcceptedJournal, createAcceptedJournal } from '../../adapters/mailer/accepted-journal.js'
import { type MailAttachment, MailDeliveryError, type Mailer, type OutgoingMail } from '../../adapters/mailer/mailer.js'
import type { AppContext } from '../../context.js'
import { isTransientDatabaseError } from '../../db/errors.js'
import { type DatabaseRetryOptions, retryOnConnectionLoss } from '../../db/retry.js'
import { DomainError } from '../../errors.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import type { DeliveryHandlers } from '../../jobs/runner.js'
import { findRequester } from '../accounts/accounts.repository.js'
import {
  backfillSentLetters,
  ensureDeliveryMessage,
  findListedMessage,
  findMessageByDelivery,
  findThreadParent,
  type MessageRow,
} from '../correspondence/messages.repository.js'
import { deliveryMessageId, outboundKindOf } from '../correspondence/outbound-messages.js'
import { withReference } from '../correspondence/request-reference.js'
import { threadHeadersAfter } from '../correspondence/thread-headers.js'
import { daysBetween, formatLongDate, localDateOf } from '../deadlines/calendar-date.js'
import { expectedResponseExplanation } from '../deadlines/prompt-response.js'
import { findDocuments } from '../documents/documents.repository.js'
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.js'
import { letterPdfOf, letterRequestOf, type Requester, renderLetterFor, replyAddressOf } from '../requests/request-letters.js'
import { findEvent, findRequest, findRequests, type RequestWithAgency } from '../requests/requests.repository.js'
import { EmailRenderError, type EmailTemplates, type ReminderEmailContext } from '../templates/email-templates.js'
import { LetterRenderError, normalizeLetterText } from '../templates/letter-renderer.js'
import * as repository from './deliveries.repository.js'
import { muteUrl } from './mute-link.js'
import { type DigestKind, digestOrder } from './reminder-digest.js'
import { syncReminders } from './reminder-schedule.service.js'

export type DeliveryDeps = Pick<AppContext, 'db' | 'clock' | 'config' | 'holidays' | 'templates' | 'deliveries' | 'logger' | 'storage'> & {
  mailer: Mailer
  emails: EmailTemplates
}

const SWEEP_BATCH = 1_000
const RECONCILE_PAGE = 5_000
const MAX_BACKOFF_SECONDS = 6 * 60 * 60
/** Database writes of the delivery machinery: retried for about ten seconds of lost connections. */
const DATABASE_RETRY = { attempts: 8 }
/**
 * Marking a delivery sent after SMTP accepted it: kept up for minutes, as the worker is the only
 * one who knows (besides the journal) and a mark that never lands would, without the journal, mean
 * the email is sent again.
 */
const MARK_SENT_RETRY = { attempts: 40 }
/** A delivery given back because the database went away before sending waits this long. */
const RELEASE_DELAY_MS = 1_000

/** A delivery that can never be sent as it stands (no address to send to): failed without retrying. */
class UndeliverableError extends DomainError {
  constructor(detail: string) {
    super('rule_violation', 'undeliverable', detail)
  }
}

/**
 * Whether sending again later may succeed. Permanent: no address to send to, an email or letter
 * that cannot be rendered (a template fault, or a rule of the domain refusing the input: the same
 * input fails the same way every time), and mail the server refused for good (5xx). Everything else
 * (connections, timeouts, 4xx answers, the database) is temporary and retried with backoff.
 */
export function isTemporaryFailure(error: unknown): boolean {
  if (error instanceof EmailRenderError || error instanceof LetterRenderError) return false
  if (error instanceof DomainError) return error.temporary
  return !(error instanceof MailDeliveryError) || error.temporary
}

export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_SECONDS)
}

export function createDeliveryHandlers(deps: DeliveryDeps): DeliveryHandlers {
  const window = { leaseSeconds: deps.config.delivery.leaseSeconds, lookaheadSeconds: deps.config.delivery.lookaheadSeconds }
  const journal = createAcceptedJournal(join(deps.config.storageDir, 'accepted-deliveries'))
  return {
    deliver: (id) => deliver(deps, journal, id),
    async sweep() {
      await settleJournal(deps, journal)
      const due = await persist(deps, 'find due deliveries', () => repository.findActionable(deps.db, window, null, SWEEP_BATCH))
      await deps.deliveries.enqueue(due)
      return due.length
    },
    async reconcile() {
      await settleJournal(deps, journal)
      const recorded = await persist(deps, 'record sent letters', () => backfillSentLetters(deps.db, deps.config.replyDomain))
      if (recorded > 0)
        deps.logger.info({ recorded }, 'letters sent before the correspondence thread existed recorded as its first messages')
      let queued = 0
      let after: DeliveryJob | null = null
      for (;;) {
        const page: DeliveryJob[] = await persist(deps, 'find due deliveries', () =>
          repository.findActionable(deps.db, window, after, RECONCILE_PAGE),
        )
        if (page.length === 0) return queued
        await deps.deliveries.enqueue(page)
        queued += page.length
        after = page.at(-1)!
      }
    },
  }
}

/** A delivery write or read, retried while the database connection is lost. */
function persist<T>(deps: DeliveryDeps, what: string, work: () => Promise<T>, options: DatabaseRetryOptions = DATABASE_RETRY): Promise<T> {
  return retryOnConnectionLoss(work, {
    ...options,
    onRetry: (error, attempt, delayMs) => deps.logger.warn({ err: error, attempt, delayMs }, `database unavailable (${what}); retrying`),
  })
}

/**
 * Sends one delivery at most once as far as SMTP allows. The row is claimed before sending; once the
 * server accepts the message, the acceptance goes to the journal on disk and then the row is marked
 * sent (retried for minutes while the database is away). A claim whose worker died expires after
 * the lease; whoever claims it next finds a journalled acceptance and only marks the row sent, and
 * otherwise sends again with the same Message-ID.
 */
async function deliver(deps: DeliveryDeps, journal: AcceptedJournal, id: string): Promise<void> {
  const claim = await persist(deps, 'claim', () => repository.claimWithDigest(deps.db, id, deps.config.delivery.leaseSeconds))
  if (!claim) return
  const { claimed, members } = claim
  if (await journal.has(id)) {
    deps.logger.info({ delivery: id }, 'delivery was accepted by SMTP on an earlier attempt; marking it sent without sending again')
    await settleSent(deps, journal, id)
    return
  }
  const found = await persist(deps, 'read request', () => findRequest(deps.db, claimed.requestId))
  if (!found) return
  let mail: OutgoingMail
  try {
    const requester = await findRequester(deps.db, found.request.userId)
    mail =
      members.length > 0 ? await composeDigest(deps, claimed, found, members, requester) : await compose(deps, claimed, found, requester)
  } catch (error) {
    if (isTransientDatabaseError(error)) await releaseClaim(deps, claimed, error)
    else await handleFailure(deps, claimed, found, error)
    return
  }
  try {
    await deps.mailer.send(mail)
  } catch (error) {
    await handleFailure(deps, claimed, found, error)
    return
  }
  try {
    await journal.record(id)
  } catch (error) {
    deps.logger.error({ err: error, delivery: id }, 'could not journal an accepted delivery; only the database will know it was sent')
  }
  await settleSent(deps, journal, id)
}

/** Nothing was sent and the database went away: the claim goes back without using up an attempt. */
async function releaseClaim(deps: DeliveryDeps, claimed: repository.DeliveryRow, error: unknown): Promise<void> {
  const sendAt = new Date(deps.clock.now().getTime() + RELEASE_DELAY_MS)
  const row = await persist(deps, 'release claim', () => repository.releaseClaim(deps.db, claimed.id, sendAt))
  if (row) await deps.deliveries.enqueue([repository.deliveryJobOf(row)])
  deps.logger.warn({ err: error, delivery: claimed.id }, 'database unavailable before sending; delivery given back')
}

/** Records in the database that SMTP accepted a delivery, then does what follows a send. */
async function settleSent(deps: DeliveryDeps, journal: AcceptedJournal, id: string): Promise<void> {
  const sent = await persist(deps, 'mark sent', () => repository.markSent(deps.db, id), MARK_SENT_RETRY)
  await journal.forget(id)
  if (!sent) return
  deps.logger.info({ delivery: id, kind: sent.kind }, 'delivery sent')
  try {
    await deps.deliveries.enqueue(sent.copies)
    const late = [sent, ...sent.members].filter((row) => row.kind === 'overdue' || row.kind === 'follow_up')
    if (late.length > 0) await replan(deps, [...new Set(late.map((row) => row.requestId))])
    // Follow-ups to the agency wait for the letter (see claimDelivery); they may go now.
    if (sent.kind === 'letter')
      await deps.deliveries.enqueue(
        await persist(deps, 'find follow-ups', () =>
          repository.findDueToAgency(deps.db, sent.requestId, deps.config.delivery.lookaheadSeconds),
        ),
      )
  } catch (error) {
    deps.logger.error({ err: error, delivery: id, request: sent.requestId }, 'delivery sent, but planning what follows it failed')
  }
}

/** Marks sent what SMTP accepted while the database could not be told (a worker killed or given up in between). */
async function settleJournal(deps: DeliveryDeps, journal: AcceptedJournal): Promise<void> {
  for (const id of await journal.list()) await settleSent(deps, journal, id)
}

async function replan(deps: DeliveryDeps, requestIds: readonly string[]): Promise<void> {
  const queue = await persist(deps, 'plan reminders', () =>
    deps.db.transaction(async (tx) => syncReminders(deps, tx, await findRequests(tx, requestIds))),
  )
  await deps.deliveries.enqueue(queue)
}

async function handleFailure(deps: DeliveryDeps, claimed: repository.DeliveryRow, found: RequestWithAgency, error: unknown): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error)
  const temporary = isTemporaryFailure(error)
  if (temporary && claimed.attempts < deps.config.delivery.maxAttempts) {
    const sendAt = new Date(deps.clock.now().getTime() + retryDelaySeconds(claimed.attempts, deps.config.delivery.retryBaseSeconds) * 1000)
    const row = await persist(deps, 'schedule retry', () => repository.markRetry(deps.db, claimed.id, sendAt, reason))
    if (row) await deps.deliveries.enqueue([repository.deliveryJobOf(row)])
    deps.logger.warn({ delivery: claimed.id, attempts: claimed.attempts, retryAt: sendAt, reason }, 'delivery failed; will retry')
    return
  }
  await persist(deps, 'mark failed', () => repository.markFailed(deps.db, claimed.id, reason))
  deps.logger.error({ delivery: claimed.id, attempts: claimed.attempts, reason }, 'delivery failed for good')
  if (claimed.recipient === 'agency') await persist(deps, 'queue failure notice', () => tellRequester(deps, claimed, found))
}

/** Queues an email telling the requester that a letter to the agency could not be delivered. */
async function tellRequester(deps: DeliveryDeps, failed: repository.DeliveryRow, found: RequestWithAgency): Promise<void> {
  const existing = await repository.countDeliveriesOfKind(deps.db, failed.requestId, 'delivery_failed')
  const notice = await repository.insertDeliveries(deps.db, [
    {
      requestId: found.request.id,
      kind: 'delivery_failed',
      recipient: 'requester',
      sequence: existing,
      sendAt: deps.clock.now(),
      aboutId: failed.id,
    },
  ])
  await deps.deliveries.enqueue(notice)
}

function messageId(deps: DeliveryDeps, id: string): string {
  return `<${deliveryMessageId(deps.config.replyDomain, id)}>`
}

function requestUrl(deps: DeliveryDeps, id: string): string {
  return `${deps.config.publicUrl}/v1/requests/${id}`
}

/** The agency's address, read at send time: only one an administrator approved is ever emailed (no open relay). */
function agencyAddress(found: RequestWithAgency): string {
  if (!found.agency.email) throw new UndeliverableError(`${found.agency.name} has no email address on file.`)
  if (!found.agency.emailApproved) {
    throw new UndeliverableError(
      `The address ${found.agency.email} of ${found.agency.name} waits for an administrator's approval; file through the portal or by mail.`,
    )
  }
  return found.agency.email
}

/** Letters to the agency come from the request's own reply address, in the requester's name. */
function requesterSender(deps: DeliveryDeps, found: RequestWithAgency, requester: Requester): string {
  const name = requester.name.replace(/["\\\r\n]/g, '')
  return `"${name}" <${replyAddressOf(deps.config.replyDomain, found.request)}>`
}

async function compose(
  deps: DeliveryDeps,
  delivery: repository.DeliveryRow,
  found: RequestWithAgency,
  requester: Requester,
): Promise<OutgoingMail> {
  const kind = outboundKindOf(delivery)
  if (kind) return composeToAgency(deps, delivery, kind, found, requester)
  const base = { messageId: messageId(deps, delivery.id), headers: { 'Auto-Submitted': 'auto-generated' } }
  switch (delivery.kind) {
    case 'delivery_failed':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await failureEmail(deps, delivery, found, requester)) }
    case 'deadline_moved':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await deadlineMovedEmail(deps, delivery, found, requester)) }
    case 'requester_copy':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await requesterCopy(deps, delivery, found, requester)) }
    case 'agency_replied':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await agencyRepliedEmail(deps, delivery, found, requester)) }
    default: {
      const unsubscribe = muteUrl(deps.config.publicUrl, found.request.id, found.request.muteToken)
      return {
        ...base,
        headers: { ...base.headers, 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        from: deps.config.mailFrom,
        to: requester.email,
        ...(await reminderEmail(deps, delivery, found, requester)),
      }
    }
  }
}

/**
 * An email to the agency, as its thread message records it: the letter and the requester's messages
 * were recorded when they were queued; a follow-up is recorded on its first attempt, threaded after
 * the thread's latest message. Every attempt sends what the record says (subject with the request's
 * reference, Message-ID, In-Reply-To, References). No Auto-Submitted header: a person asked for it,
 * and agencies' systems do not answer auto-generated mail. Letters and follow-ups carry the letter
 * PDF; messages the documents the requester chose.
 */
async function composeToAgency(
  deps: DeliveryDeps,
  delivery: repository.DeliveryRow,
  kind: 'letter' | 'message' | 'follow_up',
  found: RequestWithAgency,
  requester: Requester,
): Promise<OutgoingMail> {
  const to = agencyAddress(found)
  const from = requesterSender(deps, found, requester)
  const message =
    (await findMessageByDelivery(deps.db, delivery.id)) ?? (await recordAgencyMessage(deps, delivery, kind, found, requester, to))
  const letter = { subject: message.subject, body: message.text }
  const rendered =
    kind === 'letter'
      ? deps.emails.letter({ letter })
      : kind === 'follow_up'
        ? deps.emails.agencyFollowUp({ letter })
        : { subject: message.subject, text: message.text }
  return {
    messageId: `<${message.messageId}>`,
    from,
    replyTo: from,
    to,
    ...(message.inReplyTo ? { inReplyTo: `<${message.inReplyTo}>` } : {}),
    references: message.references.map((id) => `<${id}>`),
    ...rendered,
    attachments: await attachmentsOf(deps, kind, message, found, requester),
  }
}

/** The thread message of an email to the agency queued without one (a follow-up, or a letter queued before threads existed). */
async function recordAgencyMessage(
  deps: DeliveryDeps,
  delivery: repository.DeliveryRow,
  kind: 'letter' | 'message' | 'follow_up',
  found: RequestWithAgency,
  requester: Requester,
  to: string,
) {
  if (kind === 'message') throw new UndeliverableError('The message to send is no longer recorded.')
  const { request } = found
  const letter = kind === 'letter' ? { subject: request.subject, body: request.body } : await followUpLetter(deps, found, requester)
  const thread = threadHeadersAfter(kind === 'letter' ? null : await findThreadParent(deps.db, request.id))
  return ensureDeliveryMessage(deps.db, {
    requestId: request.id,
    direction: 'outbound',
    kind,
    fromAddress: replyAddressOf(deps.config.replyDomain, request),
    toAddresses: [to],
    subject: withReference(letter.subject, request.reference),
    text: normalizeLetterText(letter.body),
    messageId: deliveryMessageId(deps.config.replyDomain, delivery.id),
    inReplyTo: thread.inReplyTo,
    references: thread.references,
    deliveryId: delivery.id,
  })
}

/** The letter PDF for letters and follow-ups (the agency gets the letter it is reminded of); the chosen documents for messages. */
async function attachmentsOf(
  deps: DeliveryDeps,
  kind: 'letter' | 'message' | 'follow_up',
  message: MessageRow,
  found: RequestWithAgency,
  requester: Requester,
): Promise<MailAttachment[]> {
  if (kind !== 'message') {
    const { pdf, filename } = await letterPdfOf(found, requester, deps.clock.now(), deps.config.replyDomain)
    return [{ filename, content: pdf, contentType: 'application/pdf' }]
  }
  const documents = await findDocuments(deps.db, message.attachmentDocumentIds)
  if (documents.length < message.attachmentDocumentIds.length) {
    throw new UndeliverableError('A document chosen for this message was deleted before it could be sent.')
  }
  return Promise.all(
    documents.map(async (document) => ({
      filename: document.filename,
      content: await buffer(await deps.storage.open(document.sha256)),
      contentType: document.mimeType,
    })),
  )
}

/** The requester's copy of an email sent to the agency: what the thread records, with the same attachments. */
async function requesterCopy(deps: DeliveryDeps, copy: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  const original = copy.aboutId ? await repository.findDelivery(deps.db, copy.aboutId) : null
  const message = copy.aboutId ? await findMessageByDelivery(deps.db, copy.aboutId) : null
  const kind = original ? outboundKindOf(original) : null
  if (!original || !message || !kind) throw new UndeliverableError('The email this copy is of is no longer recorded.')
  const attachments = await attachmentsOf(deps, kind, message, found, requester)
  const rendered = deps.emails.requesterCopy({
    requester: { name: requester.name },
    agency: { name: found.agency.name },
    request: noticeRequest(deps, found),
    copy: {
      what: kind,
      to: message.toAddresses.join(', '),
      from: message.fromAddress,
      sentOn: formatLongDate(localDateOf(message.sentAt ?? original.sentAt ?? deps.clock.now(), found.timezone)),
      subject: message.subject,
      text: message.text,
      attachments: attachments.map((attachment) => attachment.filename).join(', '),
    },
  })
  return { ...rendered, attachments }
}

async function followUpLetter(deps: DeliveryDeps, found: RequestWithAgency, requester: Requester) {
  const template = deps.templates.get('follow-up')
  if (!template) throw new Error('the follow-up letter template is missing')
  const jurisdiction = (await findJurisdiction(deps.db, found.agency.state))!
  const { subject, body } = renderLetterFor(deps, {
    template,
    agency: found.agency,
    jurisdiction,
    requester: { ...requester, replyTo: replyAddressOf(deps.config.replyDomain, found.request) },
    variables: {},
    request: letterRequestOf(found),
  })
  return { subject, body }
}

async function reminderEmail(deps: DeliveryDeps, delivery: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  return deps.emails.reminder(await reminderContext(deps, delivery, found, requester))
}

async function reminderContext(
  deps: DeliveryDeps,
  delivery: repository.DeliveryRow,
  found: RequestWithAgency,
  requester: Requester,
): Promise<ReminderEmailContext> {
  const { request, agency, timezone } = found
  const jurisdiction = (await findJurisdiction(deps.db, agency.state))!
  const dueDate = delivery.dueDate ?? request.dueDate
  if (!dueDate || !request.submittedAt) throw new UndeliverableError('The request has no due date any more.')
  const kind = delivery.kind as 'due_soon' | 'due_today' | 'overdue' | 'follow_up'
  const late = kind === 'overdue' || kind === 'follow_up'
  const url = requestUrl(deps, request.id)
  return {
    kind,
    requester: { name: requester.name, email: requester.email },
    agency: { name: agency.name, email: agency.email },
    request: {
      id: request.id,
      subject: request.subject,
      trackingNumber: request.trackingNumber,
      url,
      muteUrl: muteUrl(deps.config.publicUrl, request.id, request.muteToken),
      submittedOn: formatLongDate(localDateOf(request.submittedAt, timezone)),
    },
    law: { name: jurisdiction.lawName, citation: jurisdiction.citation },
    dueOn: formatLongDate(dueDate),
    daysLate: Math.max(0, daysBetween(dueDate, localDateOf(deps.clock.now(), timezone))),
    followUpLetter: late ? await followUpLetter(deps, found, requester) : null,
    earlierFollowUps: late ? await repository.countLateRemindersSent(deps.db, request.id) : 0,
    agencyEmailed: request.autoFollowUp && agency.email !== null,
    expectedNote:
      request.dueDate === null && request.expectedResponseOn !== null
        ? expectedResponseExplanation(
            request.promptResponseDays ?? deps.config.reminders.promptResponseBusinessDays,
            request.promptResponseDays !== null,
          )
        : null,
  }
}

/**
 * One email for the requester's reminders due the same day (reminder-digest.ts): the reminder being
 * sent and the `members` claimed with it. A member that can no longer be sent (its request lost its
 * due date) goes back to be sent, or fail, on its own; the rest still go.
 */
async function composeDigest(
  deps: DeliveryDeps,
  primary: repository.DeliveryRow,
  primaryFound: RequestWithAgency,
  members: readonly repository.DeliveryRow[],
  requester: Requester,
): Promise<OutgoingMail> {
  const founds = new Map(
    (
      await findRequests(
        deps.db,
        members.map((member) => member.requestId),
      )
    ).map((found) => [found.request.id, found]),
  )
  const contexts = [{ kind: primary.kind, context: await reminderContext(deps, primary, primaryFound, requester) }]
  for (const member of members) {
    const found = founds.get(member.requestId)
    try {
      if (!found) throw new UndeliverableError('The request of this reminder no longer exists.')
      contexts.push({ kind: member.kind, context: await reminderContext(deps, member, found, requester) })
    } catch (error) {
      if (!(error instanceof UndeliverableError)) throw error
      await repository.leaveDigest(deps.db, member.id)
    }
  }
  if (contexts.length === 1) return compose(deps, primary, primaryFound, requester)
  let letters = 0
  const items = digestOrder(
    contexts.map(({ context }) => ({
      kind: context.kind as DigestKind,
      agencyName: context.agency.name,
      agencyEmail: context.agency.email,
      subject: context.request.subject,
      trackingNumber: context.request.trackingNumber,
      url: `${deps.config.publicUrl}/requests/${context.request.id}`,
      muteUrl: context.request.muteUrl,
      submittedOn: context.request.submittedOn,
      dueOn: context.dueOn,
      daysLate: context.daysLate,
      lawName: context.law.name,
      lawCitation: context.law.citation,
      followUpLetter: context.followUpLetter,
      letterNumber: 0,
      agencyEmailed: context.agencyEmailed,
      expectedNote: context.expectedNote,
    })),
  ).map((item) => (item.followUpLetter ? { ...item, letterNumber: ++letters } : item))
  return {
    messageId: messageId(deps, primary.id),
    headers: { 'Auto-Submitted': 'auto-generated' },
    from: deps.config.mailFrom,
    to: requester.email,
    ...deps.emails.reminderDigest({
      requester: { name: requester.name, email: requester.email },
      reminders: items,
      overdueCount: items.filter((item) => item.kind === 'overdue' || item.kind === 'follow_up').length,
      dashboardUrl: `${deps.config.publicUrl}/me`,
    }),
  }
}

/** The request as a notice to its requester names it, with a link to it. */
function noticeRequest(deps: DeliveryDeps, found: RequestWithAgency) {
  const { id, subject, trackingNumber } = found.request
  return { id, subject, trackingNumber, url: requestUrl(deps, id) }
}

async function failureEmail(deps: DeliveryDeps, notice: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  const failed = notice.aboutId ? await repository.findDelivery(deps.db, notice.aboutId) : null
  if (!failed) throw new UndeliverableError('The failed delivery this notice is about no longer exists.')
  const what = outboundKindOf(failed) ?? 'follow_up'
  const recorded = await findMessageByDelivery(deps.db, failed.id)
  const letter = recorded
    ? { subject: recorded.subject, body: recorded.text }
    : what === 'letter'
      ? { subject: found.request.subject, body: found.request.body }
      : await followUpLetter(deps, found, requester)
  return deps.emails.deliveryFailed({
    requester: { name: requester.name, email: requester.email },
    agency: { name: found.agency.name },
    request: noticeRequest(deps, found),
    failure: {
      what,
      sentTo: found.agency.email ?? '(no address on file)',
      attemptedOn: formatLongDate(localDateOf(failed.updatedAt, found.timezone)),
      permanent: failed.attempts < deps.config.delivery.maxAttempts,
      attempts: failed.attempts,
      reason: failed.lastError ?? 'unknown error',
      letter,
    },
  })
}

/** The reply's text in the notice is cut here; the request page has all of it. */
const REPLY_NOTICE_CHARS = 20_000

async function agencyRepliedEmail(deps: DeliveryDeps, notice: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  const message = notice.aboutId ? await findListedMessage(deps.db, notice.aboutId) : null
  if (!message || message.requestId !== found.request.id)
    throw new UndeliverableError('The reply this notice is about is no longer part of the request.')
  const receivedAt = message.sentAt ?? message.createdAt
  return deps.emails.agencyReplied({
    requester: { name: requester.name, email: requester.email },
    agency: { name: found.agency.name },
    request: { ...noticeRequest(deps, found), url: `${deps.config.publicUrl}/requests/${found.request.id}` },
    reply: {
      from: message.fromAddress,
      subject: message.subject,
      text: message.text.slice(0, REPLY_NOTICE_CHARS),
      truncated: message.text.length > REPLY_NOTICE_CHARS,
      receivedOn: formatLongDate(localDateOf(receivedAt, found.timezone)),
      documentCount: message.documentIds.length,
    },
  })
}

async function deadlineMovedEmail(deps: DeliveryDeps, notice: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  const event = notice.aboutId ? await findEvent(deps.db, notice.aboutId) : null
  if (!event) throw new UndeliverableError('The deadline change this notice is about no longer exists.')
  const longDate = (date: string | null) => (date ? formatLongDate(date) : 'none')
  return deps.emails.deadlineMoved({
    requester: { name: requester.name, email: requester.email },
    agency: { name: found.agency.name },
    request: noticeRequest(deps, found),
    change: { why: event.note ?? '', previousDueOn: longDate(event.dueDateBefore), dueOn: longDate(notice.dueDate) },
  })
}
