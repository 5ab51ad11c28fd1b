import { join } from 'node:path'
import { type AcceptedJournal, createAcceptedJournal } from '../../adapters/mailer/accepted-journal.js'
import { MailDeliveryError, type Mailer, type OutgoingMail } from '../../adapters/mailer/mailer.js'
import type { AppContext } from '../../context.js'
import { isTransientDatabaseError } from '../../db/errors.js'
import { type DatabaseRetryOptions, retryOnConnectionLoss } from '../../db/retry.js'
import { ProblemError } from '../../http/errors.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import type { DeliveryHandlers } from '../../jobs/runner.js'
import { findRequester } from '../accounts/accounts.repository.js'
import { findListedMessage } from '../correspondence/messages.repository.js'
import { daysBetween, formatLongDate, localDateOf } from '../deadlines/calendar-date.js'
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.js'
import { letterPdfOf, letterRequestOf, type Requester, renderLetterFor } from '../requests/request-letters.js'
import { findEvent, findRequest, findRequests, type RequestWithAgency } from '../requests/requests.repository.js'
import { EmailRenderError, type EmailTemplates } from '../templates/email-templates.js'
import { LetterRenderError } from '../templates/letter-renderer.js'
import * as repository from './deliveries.repository.js'
import { muteUrl } from './mute-link.js'
import { syncReminders } from './reminder-schedule.service.js'

export type DeliveryDeps = Pick<AppContext, 'db' | 'clock' | 'config' | 'holidays' | 'templates' | 'deliveries' | 'logger'> & {
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
class UndeliverableError extends Error {}

/**
 * Whether sending again later may succeed. Permanent: no address to send to, an email or letter
 * that cannot be rendered (a template fault, or a rule of the domain refusing the input: the same
 * input fails the same way every time), and mail the server refused for good (5xx). Everything else
 * (connections, timeouts, 4xx answers, the database) is temporary and retried with backoff.
 */
export function isTemporaryFailure(error: unknown): boolean {
  if (error instanceof UndeliverableError || error instanceof EmailRenderError || error instanceof LetterRenderError) return false
  if (error instanceof ProblemError) return error.status >= 500
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
  const claimed = await persist(deps, 'claim', () => repository.claimDelivery(deps.db, id, deps.config.delivery.leaseSeconds))
  if (!claimed) return
  if (await journal.has(id)) {
    deps.logger.info({ delivery: id }, 'delivery was accepted by SMTP on an earlier attempt; marking it sent without sending again')
    await settleSent(deps, journal, id)
    return
  }
  const found = await persist(deps, 'read request', () => findRequest(deps.db, claimed.requestId))
  if (!found) return
  let mail: OutgoingMail
  try {
    mail = await compose(deps, claimed, found, await findRequester(deps.db, found.request.userId))
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
    if (sent.kind === 'overdue' || sent.kind === 'follow_up') await replan(deps, sent.requestId)
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

async function replan(deps: DeliveryDeps, requestId: string): Promise<void> {
  const queue = await persist(deps, 'plan reminders', () =>
    deps.db.transaction(async (tx) => syncReminders(deps, tx, await findRequests(tx, [requestId]))),
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
  return `<delivery-${id}@${deps.config.replyDomain}>`
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
  return `"${name}" <${found.request.replyKey}@${deps.config.replyDomain}>`
}

async function compose(
  deps: DeliveryDeps,
  delivery: repository.DeliveryRow,
  found: RequestWithAgency,
  requester: Requester,
): Promise<OutgoingMail> {
  const base = { messageId: messageId(deps, delivery.id), headers: { 'Auto-Submitted': 'auto-generated' } }
  switch (delivery.kind) {
    case 'letter': {
      const rendered = deps.emails.letter({ letter: { subject: found.request.subject, body: found.request.body } })
      const { pdf, filename } = await letterPdfOf(found, requester, deps.clock.now())
      const from = requesterSender(deps, found, requester)
      return {
        ...base,
        from,
        replyTo: from,
        to: agencyAddress(found),
        ...rendered,
        attachments: [{ filename, content: pdf, contentType: 'application/pdf' }],
      }
    }
    case 'delivery_failed':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await failureEmail(deps, delivery, found, requester)) }
    case 'deadline_moved':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await deadlineMovedEmail(deps, delivery, found, requester)) }
    case 'agency_replied':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await agencyRepliedEmail(deps, delivery, found, requester)) }
    default: {
      if (delivery.recipient === 'agency') {
        const from = requesterSender(deps, found, requester)
        const rendered = deps.emails.agencyFollowUp({ letter: await followUpLetter(deps, found, requester) })
        return { ...base, from, replyTo: from, to: agencyAddress(found), ...rendered }
      }
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

async function followUpLetter(deps: DeliveryDeps, found: RequestWithAgency, requester: Requester) {
  const template = deps.templates.get('follow-up')
  if (!template) throw new Error('the follow-up letter template is missing')
  const jurisdiction = (await findJurisdiction(deps.db, found.agency.state))!
  const { subject, body } = renderLetterFor(deps, {
    template,
    agency: found.agency,
    jurisdiction,
    requester,
    variables: {},
    request: letterRequestOf(found),
  })
  return { subject, body }
}

async function reminderEmail(deps: DeliveryDeps, delivery: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  const { request, agency, timezone } = found
  const jurisdiction = (await findJurisdiction(deps.db, agency.state))!
  const dueDate = delivery.dueDate ?? request.dueDate
  if (!dueDate || !request.submittedAt) throw new UndeliverableError('The request has no due date any more.')
  const kind = delivery.kind as 'due_soon' | 'due_today' | 'overdue' | 'follow_up'
  const late = kind === 'overdue' || kind === 'follow_up'
  const url = requestUrl(deps, request.id)
  return deps.emails.reminder({
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
  })
}

/** The request as a notice to its requester names it, with a link to it. */
function noticeRequest(deps: DeliveryDeps, found: RequestWithAgency) {
  const { id, subject, trackingNumber } = found.request
  return { id, subject, trackingNumber, url: requestUrl(deps, id) }
}

async function failureEmail(deps: DeliveryDeps, notice: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  const failed = notice.aboutId ? await repository.findDelivery(deps.db, notice.aboutId) : null
  if (!failed) throw new UndeliverableError('The failed delivery this notice is about no longer exists.')
  const letter =
    failed.kind === 'letter' ? { subject: found.request.subject, body: found.request.body } : await followUpLetter(deps, found, requester)
  return deps.emails.deliveryFailed({
    requester: { name: requester.name, email: requester.email },
    agency: { name: found.agency.name },
    request: noticeRequest(deps, found),
    failure: {
      what: failed.kind === 'letter' ? 'letter' : 'follow_up',
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
  const moved = /from (\S+) to (\S+)$/.exec(event.note ?? '')
  const longDate = (date: string | undefined) => (date && date !== 'none' ? formatLongDate(date) : 'none')
  return deps.emails.deadlineMoved({
    requester: { name: requester.name, email: requester.email },
    agency: { name: found.agency.name },
    request: noticeRequest(deps, found),
    change: { why: event.note ?? '', previousDueOn: longDate(moved?.[1]), dueOn: longDate(notice.dueDate ?? undefined) },
  })
}
