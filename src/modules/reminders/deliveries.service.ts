import { and, count, eq } from 'drizzle-orm'
import { MailDeliveryError, type Mailer, type OutgoingMail } from '../../adapters/mailer/mailer.js'
import type { AppContext } from '../../context.js'
import { reminders, requestEvents } from '../../db/schema/index.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import type { DeliveryHandlers } from '../../jobs/runner.js'
import { formatLongDate, daysBetween, localDateOf } from '../deadlines/calendar-date.js'
import { findJurisdiction } from '../jurisdictions/jurisdictions.repository.js'
import { findRequester, letterPdfOf, letterRequestOf, renderLetterFor, type Requester } from '../requests/request-letters.js'
import { findRequest, findRequests, type RequestWithAgency } from '../requests/requests.repository.js'
import type { EmailTemplates } from './reminder-emails.js'
import * as repository from './reminders.repository.js'
import { muteUrl } from './mute.routes.js'
import { syncReminders } from './reminders.service.js'

export type DeliveryDeps = Pick<AppContext, 'db' | 'clock' | 'config' | 'holidays' | 'templates' | 'deliveries' | 'logger'> & {
  mailer: Mailer
  emails: EmailTemplates
}

const SWEEP_BATCH = 1_000
const RECONCILE_PAGE = 5_000
const MAX_BACKOFF_SECONDS = 6 * 60 * 60

/** A delivery that can never be sent as it stands (no address to send to): failed without retrying. */
class UndeliverableError extends Error {}

export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_SECONDS)
}

export function createDeliveryHandlers(deps: DeliveryDeps): DeliveryHandlers {
  const window = { leaseSeconds: deps.config.delivery.leaseSeconds, lookaheadSeconds: deps.config.delivery.lookaheadSeconds }
  return {
    deliver: (id) => deliver(deps, id),
    async sweep() {
      const due = await repository.findActionable(deps.db, window, null, SWEEP_BATCH)
      await deps.deliveries.enqueue(due)
      return due.length
    },
    async reconcile() {
      let queued = 0
      let after: DeliveryJob | null = null
      for (;;) {
        const page: DeliveryJob[] = await repository.findActionable(deps.db, window, after, RECONCILE_PAGE)
        if (page.length === 0) return queued
        await deps.deliveries.enqueue(page)
        queued += page.length
        after = page.at(-1)!
      }
    },
  }
}

/**
 * Sends one delivery at most once as far as SMTP allows: the row is claimed before sending and
 * marked sent after; a worker that dies in between leaves a claim that expires after the lease,
 * and the retry carries the same Message-ID.
 */
async function deliver(deps: DeliveryDeps, id: string): Promise<void> {
  const claimed = await repository.claimDelivery(deps.db, id, deps.config.delivery.leaseSeconds)
  if (!claimed) return
  const found = await findRequest(deps.db, claimed.requestId)
  if (!found) return
  try {
    const requester = await findRequester(deps.db, found.request.userId)
    await deps.mailer.send(await compose(deps, claimed, found, requester))
    await repository.markSent(deps.db, id)
    deps.logger.info({ delivery: id, kind: claimed.kind, recipient: claimed.recipient }, 'delivery sent')
    if (claimed.kind === 'overdue' || claimed.kind === 'follow_up') await replan(deps, claimed.requestId)
  } catch (error) {
    await handleFailure(deps, claimed, found, error)
  }
}

async function replan(deps: DeliveryDeps, requestId: string): Promise<void> {
  const queue = await deps.db.transaction(async (tx) => syncReminders(deps, tx, await findRequests(tx, [requestId])))
  await deps.deliveries.enqueue(queue)
}

async function handleFailure(deps: DeliveryDeps, claimed: repository.DeliveryRow, found: RequestWithAgency, error: unknown): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error)
  const temporary = !(error instanceof UndeliverableError) && (!(error instanceof MailDeliveryError) || error.temporary)
  if (temporary && claimed.attempts < deps.config.delivery.maxAttempts) {
    const sendAt = new Date(deps.clock.now().getTime() + retryDelaySeconds(claimed.attempts, deps.config.delivery.retryBaseSeconds) * 1000)
    const row = await repository.markRetry(deps.db, claimed.id, sendAt, reason)
    if (row) await deps.deliveries.enqueue([repository.deliveryJobOf(row)])
    deps.logger.warn({ delivery: claimed.id, attempts: claimed.attempts, retryAt: sendAt, reason }, 'delivery failed; will retry')
    return
  }
  await repository.markFailed(deps.db, claimed.id, reason)
  deps.logger.error({ delivery: claimed.id, attempts: claimed.attempts, reason }, 'delivery failed for good')
  if (claimed.recipient === 'agency') await tellRequester(deps, claimed, found)
}

/** Queues an email telling the requester that a letter to the agency could not be delivered. */
async function tellRequester(deps: DeliveryDeps, failed: repository.DeliveryRow, found: RequestWithAgency): Promise<void> {
  const [existing] = await deps.db
    .select({ value: count() })
    .from(reminders)
    .where(and(eq(reminders.requestId, failed.requestId), eq(reminders.kind, 'delivery_failed')))
  const notice = await repository.insertDeliveries(deps.db, [
    {
      requestId: found.request.id,
      kind: 'delivery_failed',
      recipient: 'requester',
      sequence: existing?.value ?? 0,
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
    throw new UndeliverableError(`The address ${found.agency.email} of ${found.agency.name} waits for an administrator's approval; file through the portal or by mail.`)
  }
  return found.agency.email
}

/** Letters to the agency come from the request's own reply address, in the requester's name. */
function requesterSender(deps: DeliveryDeps, found: RequestWithAgency, requester: Requester): string {
  const name = requester.name.replace(/["\\\r\n]/g, '')
  return `"${name}" <${found.request.replyKey}@${deps.config.replyDomain}>`
}

async function compose(deps: DeliveryDeps, delivery: repository.DeliveryRow, found: RequestWithAgency, requester: Requester): Promise<OutgoingMail> {
  const base = { messageId: messageId(deps, delivery.id), headers: { 'Auto-Submitted': 'auto-generated' } }
  switch (delivery.kind) {
    case 'letter': {
      const rendered = deps.emails.letter({ letter: { subject: found.request.subject, body: found.request.body } })
      const { pdf, filename } = await letterPdfOf(found, requester, deps.clock.now())
      const from = requesterSender(deps, found, requester)
      return { ...base, from, replyTo: from, to: agencyAddress(found), ...rendered, attachments: [{ filename, content: pdf, contentType: 'application/pdf' }] }
    }
    case 'delivery_failed':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await failureEmail(deps, delivery, found, requester)) }
    case 'deadline_moved':
      return { ...base, from: deps.config.mailFrom, to: requester.email, ...(await deadlineMovedEmail(deps, delivery, found, requester)) }
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

async function failureEmail(deps: DeliveryDeps, notice: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  const [failed] = notice.aboutId ? await deps.db.select().from(reminders).where(eq(reminders.id, notice.aboutId)) : []
  if (!failed) throw new UndeliverableError('The failed delivery this notice is about no longer exists.')
  const letter = failed.kind === 'letter' ? { subject: found.request.subject, body: found.request.body } : await followUpLetter(deps, found, requester)
  return deps.emails.deliveryFailed({
    requester: { name: requester.name, email: requester.email },
    agency: { name: found.agency.name },
    request: { id: found.request.id, subject: found.request.subject, trackingNumber: found.request.trackingNumber, url: requestUrl(deps, found.request.id) },
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

async function deadlineMovedEmail(deps: DeliveryDeps, notice: repository.DeliveryRow, found: RequestWithAgency, requester: Requester) {
  const [event] = notice.aboutId ? await deps.db.select().from(requestEvents).where(eq(requestEvents.id, notice.aboutId)) : []
  if (!event) throw new UndeliverableError('The deadline change this notice is about no longer exists.')
  const moved = /from (\S+) to (\S+)$/.exec(event.note ?? '')
  const longDate = (date: string | undefined) => (date && date !== 'none' ? formatLongDate(date) : 'none')
  return deps.emails.deadlineMoved({
    requester: { name: requester.name, email: requester.email },
    agency: { name: found.agency.name },
    request: { id: found.request.id, subject: found.request.subject, trackingNumber: found.request.trackingNumber, url: requestUrl(deps, found.request.id) },
    change: { why: event.note ?? '', previousDueOn: longDate(moved?.[1]), dueOn: longDate(notice.dueDate ?? undefined) },
  })
}
