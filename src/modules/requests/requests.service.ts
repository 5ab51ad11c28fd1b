import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import type { Executor } from '../../db/client.js'
import { ConflictError, NotAllowedError, NotFoundError, RuleViolationError } from '../../errors.js'
import { decodeCursor, toPage } from '../../http/pagination.js'
import { instantSchema } from '../../http/schemas.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import { findRequester } from '../accounts/accounts.repository.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { assertAgencyEmailAllowance } from '../accounts/member-limits.js'
import { type AgencyRow, closuresOf, findAgency } from '../agencies/agencies.repository.js'
import { recordLetterMessages } from '../correspondence/outbound-messages.js'
import { compareDates, localDateOf } from '../deadlines/calendar-date.js'
import { computeDeadline, type Deadline, isOverdue } from '../deadlines/deadline.js'
import { expectedResponseExplanation, hasNoFixedPeriod } from '../deadlines/prompt-response.js'
import { countDeliveries, insertDeliveries } from '../deliveries/deliveries.repository.js'
import { syncReminders } from '../deliveries/reminder-schedule.service.js'
import { removingRequestFiles } from '../documents/documents.service.js'
import type { Jurisdiction } from '../jurisdictions/jurisdiction.js'
import { closuresOfJurisdictions } from '../jurisdictions/jurisdiction-closures.repository.js'
import { findJurisdiction, findJurisdictions } from '../jurisdictions/jurisdictions.repository.js'
import type { LetterTemplate } from '../templates/template.types.js'
import { canChange, canSee, findChangeableRequest, findVisibleRequest } from './request-access.js'
import { renderLetterFor, replyAddressOf } from './request-letters.js'
import {
  allowedEvents,
  type EventType,
  isClosed,
  nextStatus,
  PAUSING_EVENTS,
  type RequestStatus,
  type TimelineEventType,
} from './request-status.js'
import type { RequestRow } from './requests.repository.js'
import * as repository from './requests.repository.js'
import type {
  BulkSubmitInput,
  CreateEventInput,
  CreateRequestInput,
  RequestListQuery,
  SubmitRequestInput,
  UpdateRequestInput,
} from './requests.schemas.js'

export type RequestDeps = Pick<AppContext, 'db' | 'clock' | 'templates' | 'holidays' | 'config' | 'deliveries'>

// A client clock a little ahead of ours is not an event "in the future".
const CLOCK_SKEW_MS = 5 * 60 * 1000

export function toRequest(deps: Pick<RequestDeps, 'clock' | 'config'>, found: repository.RequestWithAgency) {
  const { request, agency, timezone } = found
  return {
    id: request.id,
    status: request.status,
    agency,
    templateSlug: request.templateSlug,
    subject: request.subject,
    body: request.body,
    visibility: request.visibility,
    submittedVia: request.submittedVia,
    submittedAt: request.submittedAt?.toISOString() ?? null,
    dueDate: request.dueDate,
    overdue: isRequestOverdue(request, deps.clock.now(), timezone),
    promptResponseDays: request.promptResponseDays,
    expectedResponse: expectedResponseView(deps, request),
    // Deadlines stored before clocks existed show none rather than failing the schema.
    deadline: request.deadline ? { clocks: [], ...request.deadline } : null,
    trackingNumber: request.trackingNumber,
    autoFollowUp: request.autoFollowUp,
    remindersMuted: request.remindersMuted,
    replyAddress: replyAddressOf(deps.config.replyDomain, request),
    reference: request.reference,
    allowedEvents: allowedEvents(request.status),
    lastMessageAt: request.lastMessageAt?.toISOString() ?? null,
    unreadMessages: request.unreadMessages,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  }
}

export type RequestView = ReturnType<typeof toRequest>

/** The expected-response date of a request under a law with no fixed period, labelled as no statutory deadline. */
function expectedResponseView(deps: Pick<RequestDeps, 'config'>, request: repository.RequestRow) {
  if (!request.expectedResponseOn || isClosed(request.status)) return null
  const businessDays = request.promptResponseDays ?? deps.config.reminders.promptResponseBusinessDays
  const chosenByRequester = request.promptResponseDays !== null
  return {
    date: request.expectedResponseOn,
    businessDays,
    chosenByRequester,
    statutory: false as const,
    explanation: expectedResponseExplanation(businessDays, chosenByRequester),
  }
}

function isRequestOverdue(request: repository.RequestRow, now: Date, timezone: string): boolean {
  if (request.status === 'draft' || isClosed(request.status) || !request.deadline) return false
  return isOverdue(request.deadline, now, timezone)
}

function newReplyKey(): string {
  return `request-${randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`
}

export async function createRequest(deps: RequestDeps, user: AuthUser, input: CreateRequestInput): Promise<RequestView> {
  const agency = await findAgency(deps.db, input.agencyId)
  if (!agency)
    throw new RuleViolationError(`Agency ${input.agencyId} does not exist.`, [{ path: 'body.agencyId', message: 'Unknown agency' }])
  const template = requireRequestTemplate(deps, input.templateSlug)
  return deps.db.transaction(async (tx) => {
    const letter = { template, variables: input.variables ?? {}, visibility: input.visibility }
    const [draft] = await insertDrafts(deps, tx, { owner: user, by: user.id }, letter, [agency])
    return toRequest(deps, (await repository.findRequest(tx, draft!.requestId))!)
  })
}

/** The request letter template `slug` names; 422 for an unknown slug or a follow-up or appeal template. */
export function requireRequestTemplate(deps: Pick<RequestDeps, 'templates'>, slug: string): LetterTemplate {
  const template = deps.templates.get(slug)
  if (template?.kind !== 'request') {
    throw new RuleViolationError(`"${slug}" is not a request letter template.`, [
      { path: 'body.templateSlug', message: 'Unknown request template' },
    ])
  }
  return template
}

/**
 * Renders the same letter for each agency, with that agency's own law, and stores each as a draft
 * with its "created" event, in the caller's transaction, with the same few statements for one agency
 * or fifteen hundred. The drafts are `owner`'s (`by`: who asked, the owner or an administrator).
 * Answers each agency's new request id, in the order of `agencies`.
 */
export async function insertDrafts(
  deps: RequestDeps,
  tx: Executor,
  { owner, by }: { owner: Pick<AuthUser, 'id' | 'name' | 'email' | 'mailingAddress'>; by: string },
  letter: { template: LetterTemplate; variables: Record<string, unknown>; visibility: RequestRow['visibility'] },
  agencies: readonly AgencyRow[],
): Promise<{ agencyId: string; requestId: string }[]> {
  const laws = await findJurisdictions(tx, [...new Set(agencies.map((agency) => agency.state))])
  const drafts = agencies.map((agency) => {
    const jurisdiction = laws.get(agency.state)
    if (!jurisdiction) throw new Error(`agency state ${agency.state} has no jurisdiction row`)
    const replyKey = newReplyKey()
    const requester = { ...owner, replyTo: replyAddressOf(deps.config.replyDomain, { replyKey }) }
    const rendered = renderLetterFor(deps, {
      template: letter.template,
      agency,
      jurisdiction,
      requester,
      variables: letter.variables,
      request: null,
    })
    return {
      userId: owner.id,
      agencyId: agency.id,
      templateSlug: letter.template.slug,
      variables: rendered.variables,
      subject: rendered.subject,
      body: rendered.body,
      visibility: letter.visibility,
      replyKey,
    }
  })
  const ids = await repository.insertDrafts(tx, drafts, { createdAt: deps.clock.now(), by })
  return drafts.map((draft, index) => ({ agencyId: draft.agencyId, requestId: ids[index]! }))
}

async function requireJurisdiction(db: Executor, code: string): Promise<Jurisdiction> {
  const jurisdiction = await findJurisdiction(db, code)
  if (!jurisdiction) throw new Error(`agency state ${code} has no jurisdiction row`)
  return jurisdiction
}

export async function getRequest(deps: RequestDeps, user: AuthUser, id: string): Promise<RequestView> {
  return toRequest(deps, await findVisibleRequest(deps.db, user, id))
}

const requestCursor = z.tuple([z.string().refine((value) => instantSchema.safeParse(value).success), z.uuid()])

/** The caller's requests (admins: everyone's, unless `own` asks for theirs only, as on their dashboard). */
export async function listRequests(deps: RequestDeps, user: AuthUser, query: RequestListQuery, options: { own?: boolean } = {}) {
  const before = query.cursor ? decodeCursor(query.cursor, requestCursor) : undefined
  const rows = await repository.listRequests(deps.db, {
    userId: user.role === 'admin' && !options.own ? undefined : user.id,
    status: query.status,
    agencyId: query.agencyId,
    state: query.state,
    overdueAt: query.overdue === undefined ? undefined : { now: deps.clock.now(), overdue: query.overdue },
    before,
    limit: query.limit,
  })
  return toPage(
    rows,
    query.limit,
    (row) => toRequest(deps, row),
    (row) => [row.request.createdAt.toISOString(), row.request.id],
  )
}

/**
 * Runs a change to one request in a transaction that also brings its reminders in line, then
 * queues the deliveries that changed once the transaction has committed.
 */
async function changeRequest<T>(deps: RequestDeps, id: string, change: (tx: Executor, queue: DeliveryJob[]) => Promise<T>): Promise<T> {
  const queue: DeliveryJob[] = []
  const result = await deps.db.transaction(async (tx) => {
    const value = await change(tx, queue)
    queue.push(...(await syncReminders(deps, tx, await repository.findRequests(tx, [id]))))
    return value
  })
  await deps.deliveries.enqueue(queue)
  return result
}

export async function updateRequest(deps: RequestDeps, user: AuthUser, id: string, input: UpdateRequestInput): Promise<RequestView> {
  await changeRequest(deps, id, async (tx) => {
    const found = await findChangeableRequest(tx, user, id)
    const locked = (await repository.lockRequest(tx, id))!
    const { variables, ...fields } = input
    if ((input.subject !== undefined || input.body !== undefined || variables !== undefined) && locked.status !== 'draft') {
      throw new ConflictError('letter-sent', `The letter can only be edited while the request is a draft; it is ${locked.status}.`)
    }
    const rerendered = variables === undefined ? {} : await rerenderDraft(deps, tx, found, variables)
    await repository.updateRequest(tx, id, { ...rerendered, ...fields })
  })
  // Read after the reminders were planned again: they keep the expected-response date.
  return toRequest(deps, (await repository.findRequest(deps.db, id))!)
}

/** The draft's letter rendered again from its template with new variables (a subject or body given in the same call wins). */
async function rerenderDraft(deps: RequestDeps, tx: Executor, found: repository.RequestWithAgency, variables: Record<string, unknown>) {
  const template = deps.templates.get(found.request.templateSlug)
  if (!template) throw new RuleViolationError(`The template "${found.request.templateSlug}" of this draft no longer exists.`)
  const agency = (await findAgency(tx, found.agency.id))!
  const requester = { ...(await findRequester(tx, found.request.userId)), replyTo: replyAddressOf(deps.config.replyDomain, found.request) }
  const letter = renderLetterFor(deps, {
    template,
    agency,
    jurisdiction: await requireJurisdiction(tx, agency.state),
    requester,
    variables,
    request: null,
  })
  return { variables: letter.variables, subject: letter.subject, body: letter.body }
}

/** Deletes a draft with its timeline and any files uploaded to it; a filed request is history and stays. */
export async function deleteDraft(deps: RequestDeps & Pick<AppContext, 'storage'>, user: AuthUser, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await findChangeableRequest(tx, user, id)
    const locked = (await repository.lockRequest(tx, id))!
    if (locked.status !== 'draft') {
      throw new ConflictError('not-a-draft', `Only drafts can be deleted; this request is ${locked.status}. Withdraw it instead.`)
    }
    await removingRequestFiles(tx, deps.storage, id, () => repository.deleteRequest(tx, id))
  })
}

function assertNotInFuture(deps: RequestDeps, at: Date, path: string): void {
  if (at.getTime() > deps.clock.now().getTime() + CLOCK_SKEW_MS) {
    throw new RuleViolationError('That time is in the future.', [{ path, message: 'must not be in the future' }])
  }
}

function transitionOrConflict(status: RequestStatus, event: EventType, beforePause?: RequestStatus): RequestStatus {
  const next = nextStatus(status, event, beforePause)
  if (!next) throw eventNotAllowed(status, event)
  return next
}

/** The status the request had when the pause that `event` ends began, if `event` ends one. */
function statusBeforePause(timeline: readonly repository.RequestEventRow[], event: EventType): RequestStatus | undefined {
  if (!Object.hasOwn(PAUSING_EVENTS, event)) return undefined
  const pausedBy = PAUSING_EVENTS[event as keyof typeof PAUSING_EVENTS]
  const pause = timeline.findLast((logged) => logged.type === pausedBy)
  return pause?.statusBefore ?? undefined
}

function eventNotAllowed(status: RequestStatus, event: EventType | 'submit'): ConflictError {
  return new ConflictError('event-not-allowed', `A "${event}" event is not allowed while the request is ${status}.`)
}

export async function submitRequest(deps: RequestDeps, user: AuthUser, id: string, input: SubmitRequestInput): Promise<RequestView> {
  const [submitted] = await submitDrafts(deps, user, [id], input, 'one')
  return submitted!
}

/**
 * Files many drafts at once (one letter sent to many agencies): all of them or, when any id is not
 * the caller's draft, none, with every offending id named in the answer.
 */
export async function submitRequests(deps: RequestDeps, user: AuthUser, input: BulkSubmitInput): Promise<RequestView[]> {
  return submitDrafts(deps, user, input.ids, input, 'many')
}

/**
 * Files a campaign's drafts by email as by POST /v1/requests/submit (all or none, the same checks),
 * each letter leaving at its own time: `schedule` picks the send times, in the order of `ids`, inside
 * the transaction that queues the letters (so it can hold a lock until they are queued). The requests
 * are dated from when the first letter leaves.
 */
export async function submitScheduled(
  deps: RequestDeps,
  user: AuthUser,
  ids: string[],
  schedule: (tx: Executor) => Promise<readonly Date[]>,
): Promise<RequestView[]> {
  return submitDrafts(deps, user, ids, { via: 'email' }, 'many', schedule)
}

/** Whether letters to this agency may go by email: it has an address and an administrator approved it (no open relay). */
export function canEmailAgency(agency: Pick<repository.AgencySummary, 'email' | 'emailApproved'>): boolean {
  return agency.email !== null && agency.emailApproved
}

/**
 * Takes back letters that have not left yet: each of these requests whose letter by email is still
 * scheduled goes back to draft (its letter, thread message and "submitted" entry removed, a note
 * logged, reminders cancelled). A letter a worker has claimed or sent stays as it is: the claim and
 * this removal both require the row to be "scheduled", so a letter is either held or sent, never
 * both, and never sent twice. Answers the ids that went back to draft.
 */
export async function holdUnsentLetters(deps: RequestDeps, user: AuthUser, ids: readonly string[]): Promise<string[]> {
  return deps.db.transaction(async (tx) => {
    const held = await repository.returnUnsentToDraft(tx, ids, {
      at: deps.clock.now(),
      note: 'Held back before the letter was emailed; back to draft',
      by: user.id,
    })
    await syncReminders(deps, tx, await repository.findRequests(tx, held))
    return held
  })
}

/**
 * Computes each draft's due date, logs its submission and plans its reminders in one transaction,
 * with the same handful of queries for one draft or a thousand; with via "email" each letter is
 * queued to its agency. Deliveries are queued once the transaction has committed.
 */
async function submitDrafts(
  deps: RequestDeps,
  user: AuthUser,
  ids: string[],
  input: SubmitRequestInput,
  answer: 'one' | 'many',
  /** With via "email": when each letter leaves, in the order of `ids` (paced campaigns); otherwise now. */
  schedule?: (tx: Executor) => Promise<readonly Date[]>,
): Promise<RequestView[]> {
  if (!schedule) assertNotInFuture(deps, input.submittedAt ?? deps.clock.now(), 'body.submittedAt')
  ids = ids.map((id) => id.toLowerCase())
  const queue: DeliveryJob[] = []
  const views = await deps.db.transaction(async (tx) => {
    const drafts = await repository.findRequests(tx, ids)
    assertSubmittable(user, ids, drafts, input.via, answer)
    if (input.via === 'email') {
      await assertAgencyEmailAllowance(deps, tx, user, {
        requested: ids.length,
        usedSince: (since) => repository.agencyEmailTimesOf(tx, user.id, since),
      })
    }
    const letterSendAt = schedule ? await schedule(tx) : undefined
    // A paced campaign dates its requests from when its first letter leaves, which the service set, not the client.
    const submittedAt = letterSendAt?.[0] ?? input.submittedAt ?? deps.clock.now()
    const states = [...new Set(drafts.map(({ agency }) => agency.state))]
    const agencyIds = [...new Set(drafts.map(({ agency }) => agency.id))]
    const [laws, closures, stateClosures] = await Promise.all([
      findJurisdictions(tx, states),
      closuresOf(tx, agencyIds),
      closuresOfJurisdictions(tx, states),
    ])
    const changes = drafts.map(({ request, agency }) => {
      const deadline = computeDeadline({
        submittedAt,
        jurisdiction: laws.get(agency.state)!,
        holidays: deps.holidays,
        agencyClosures: closures.get(agency.id) ?? [],
        jurisdictionClosures: stateClosures.get(agency.state) ?? [],
        // A draft's timeline holds only its creation and notes, which never move a deadline.
        events: [],
      })
      return { id: request.id, deadline }
    })
    const status = nextStatus('draft', 'submit')!
    const updatedAt = deps.clock.now()
    const submission = {
      status,
      submittedVia: input.via,
      submittedAt,
      updatedAt,
      note: `Submitted by ${input.via.replace('_', ' ')}`,
      by: user.id,
    }
    // Only rows still drafts change: when another call submitted or withdrew one meanwhile, the whole batch fails.
    if ((await repository.markSubmitted(tx, submission, changes)) !== changes.length) {
      throw new ConflictError('event-not-allowed', 'Another change to these requests came first; nothing was submitted. Try again.')
    }
    // The rows as they now stand, without reading a thousand letters back.
    const submitted = drafts.map((found, index) => {
      const { deadline } = changes[index]!
      return {
        ...found,
        request: { ...found.request, status, submittedVia: input.via, submittedAt, deadline, dueDate: deadline.dueDate, updatedAt },
      }
    })
    if (input.via === 'email') {
      const letters = await insertDeliveries(
        tx,
        ids.map((requestId, index) => ({
          requestId,
          kind: 'letter' as const,
          recipient: 'agency' as const,
          sendAt: letterSendAt?.[index] ?? deps.clock.now(),
        })),
      )
      queue.push(...letters)
      await recordLetterMessages(tx, deps.config.replyDomain, submitted)
    }
    queue.push(...(await syncReminders(deps, tx, submitted)))
    // Under laws with no fixed period, syncReminders has just set the expected-response date: read those back.
    const withoutPeriod = submitted.filter((found) => hasNoFixedPeriod(found.request.deadline)).map((found) => found.request.id)
    const reread = new Map((await repository.findRequests(tx, withoutPeriod)).map((found) => [found.request.id, found]))
    return submitted.map((found) => toRequest(deps, reread.get(found.request.id) ?? found))
  })
  await deps.deliveries.enqueue(queue)
  return views
}

/**
 * 404 for ids the caller cannot see, 403 for others' requests, 409 for non-drafts, 422 for email to
 * an agency without an address or whose address no administrator has approved (no open relay).
 */
function assertSubmittable(
  user: AuthUser,
  ids: readonly string[],
  found: readonly repository.RequestWithAgency[],
  via: SubmitRequestInput['via'],
  answer: 'one' | 'many',
): void {
  const byId = new Map(found.map((row) => [row.request.id, row]))
  const unseen = ids.filter((id) => {
    const row = byId.get(id)
    return !row || !canSee(user, row.request)
  })
  if (unseen.length > 0) throw answer === 'one' ? new NotFoundError('Request', ids[0]) : new NotFoundError(`Requests ${unseen.join(', ')}`)

  const rows = ids.map((id, index) => ({ index, ...byId.get(id)! }))
  const others = rows.filter(({ request }) => !canChange(user, request))
  if (others.length > 0) {
    throw new NotAllowedError(
      answer === 'one'
        ? 'Only the requester or an administrator may change this request.'
        : `Only the requester or an administrator may submit ${others.map(({ request }) => request.id).join(', ')}.`,
    )
  }
  const filed = rows.filter(({ request }) => nextStatus(request.status, 'submit') === null)
  if (filed.length > 0) {
    if (answer === 'one') throw eventNotAllowed(filed[0]!.request.status, 'submit')
    throw new ConflictError(
      'event-not-allowed',
      `Only drafts can be submitted: ${filed.map(({ request }) => `${request.id} is ${request.status}`).join('; ')}.`,
    )
  }
  const noEmail = via === 'email' ? rows.filter(({ agency }) => !agency.email) : []
  if (noEmail.length > 0) {
    const names = [...new Set(noEmail.map(({ agency }) => agency.name))]
    throw new RuleViolationError(
      `${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no email address on file; submit through the portal or by mail, or add the address first.`,
      noEmail.map(({ index }) => ({
        path: answer === 'one' ? 'body.via' : `body.ids.${index}`,
        message: 'The agency has no email address',
      })),
    )
  }
  const unapproved = via === 'email' ? rows.filter(({ agency }) => !agency.emailApproved) : []
  if (unapproved.length > 0) {
    const agencies = [...new Map(unapproved.map(({ agency }) => [agency.id, agency])).values()]
    const named = agencies.map((agency) => `${agency.email} (${agency.name}, agency ${agency.id})`)
    throw new RuleViolationError(
      `The ${named.length === 1 ? 'address' : 'addresses'} ${named.join(', ')} ${named.length === 1 ? 'waits' : 'wait'} for an administrator's approval; file through the portal or by mail.`,
      unapproved.map(({ index, request, agency }) => ({
        path: answer === 'one' ? 'body.via' : `body.ids.${index}`,
        message: `Request ${request.id}: the address ${agency.email} of agency ${agency.id} waits for an administrator's approval`,
      })),
    )
  }
}

export async function addEvent(deps: RequestDeps, user: AuthUser, id: string, input: CreateEventInput) {
  return changeRequest(deps, id, async (tx) => {
    const { timezone } = await findChangeableRequest(tx, user, id)
    const locked = (await repository.lockRequest(tx, id))!
    const timeline = await repository.listEvents(tx, id)
    const status = transitionOrConflict(locked.status, input.type, statusBeforePause(timeline, input.type))
    const occurredAt = input.occurredAt ?? deps.clock.now()
    assertNotInFuture(deps, occurredAt, 'body.occurredAt')
    assertInTimelineOrder(timeline, locked, input.type, occurredAt)
    if (input.newDueDate !== undefined) {
      assertNewDueDateLater(locked, { type: input.type, newDueDate: input.newDueDate }, localDateOf(occurredAt, timezone), timezone)
    }
    const event = await repository.insertEvent(tx, {
      requestId: id,
      type: input.type,
      occurredAt,
      note: input.note ?? null,
      extensionDays: input.extensionDays ?? null,
      newDueDate: input.newDueDate ?? null,
      amount: input.amount === undefined ? null : input.amount.toFixed(2),
      statusBefore: locked.status,
      statusAfter: status,
      createdBy: user.id,
    })
    const deadline = locked.submittedAt ? await recomputeDeadline(deps, tx, locked, withEvent(timeline, event)) : null
    await repository.updateRequest(tx, id, { status, ...(deadline ? { deadline, dueDate: deadline.dueDate } : {}) })
    const recorded = await repository.setEventDueDate(tx, event.id, deadline ? deadline.dueDate : locked.dueDate)
    return toEvent(recorded)
  })
}

/** The timeline with a just-logged event in its place (by date; it was created last). */
function withEvent(timeline: readonly repository.RequestEventRow[], event: repository.RequestEventRow): repository.RequestEventRow[] {
  return [...timeline, event].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
}

export async function listEvents(deps: RequestDeps, user: AuthUser | null, id: string) {
  await findVisibleRequest(deps.db, user, id)
  return (await repository.listEvents(deps.db, id)).map(toEvent)
}

export function toEvent(event: repository.RequestEventRow) {
  return {
    id: event.id,
    type: event.type as TimelineEventType,
    occurredAt: event.occurredAt.toISOString(),
    note: event.note,
    extensionDays: event.extensionDays,
    newDueDate: event.newDueDate,
    amount: event.amount === null ? null : Number(event.amount),
    statusBefore: event.statusBefore,
    statusAfter: event.statusAfter,
    dueDateAfter: event.dueDateAfter,
    createdAt: event.createdAt.toISOString(),
  }
}

/**
 * The status follows events in the order they are logged while the deadline follows their dates, so
 * an event that changes anything may not be dated before the last such event (notes may be).
 */
function assertInTimelineOrder(
  timeline: readonly repository.RequestEventRow[],
  request: repository.RequestRow,
  type: EventType,
  occurredAt: Date,
): void {
  const floor = request.submittedAt
  if (floor && occurredAt < floor) {
    throw new RuleViolationError('An event cannot happen before the request was submitted.', [
      { path: 'body.occurredAt', message: `must not be before ${floor.toISOString()}` },
    ])
  }
  if (type === 'note') return
  // 'created' is when tracking began here, which a backfilled request's events may precede.
  const latest = timeline.filter((event) => event.type !== 'note' && event.type !== 'created').at(-1)
  if (latest && occurredAt < latest.occurredAt) {
    throw new RuleViolationError(`The last event logged ("${latest.type}") happened later; log events in the order they happened.`, [
      { path: 'body.occurredAt', message: `must not be before ${latest.occurredAt.toISOString()}` },
    ])
  }
}

/** A new due date moves the deadline later: past the current due date, or past the day of an appeal. */
function assertNewDueDateLater(
  request: repository.RequestRow,
  event: { type: EventType; newDueDate: string },
  eventDate: string,
  timezone: string,
): void {
  const earliest =
    event.type === 'appealed' || !request.submittedAt ? eventDate : (request.dueDate ?? localDateOf(request.submittedAt, timezone))
  if (compareDates(event.newDueDate, earliest) < 0) {
    throw new RuleViolationError('The new due date is earlier than the deadline it replaces.', [
      { path: 'body.newDueDate', message: `must not be before ${earliest}` },
    ])
  }
}

/** Recomputes the due date from the submission and the whole timeline (events may be logged out of order). */
export async function recomputeDeadline(
  deps: RequestDeps,
  tx: Executor,
  request: repository.RequestRow & { submittedAt: Date | null },
  /** The request's timeline when the caller has it already, with what it just logged. */
  timeline?: readonly repository.RequestEventRow[],
): Promise<Deadline> {
  const agency = (await findAgency(tx, request.agencyId))!
  const [jurisdiction, closures, stateClosures, events] = await Promise.all([
    requireJurisdiction(tx, agency.state),
    closuresOf(tx, [agency.id]),
    closuresOfJurisdictions(tx, [agency.state]),
    timeline ?? repository.listEvents(tx, request.id),
  ])
  return computeDeadline({
    submittedAt: request.submittedAt!,
    jurisdiction,
    holidays: deps.holidays,
    agencyClosures: closures.get(agency.id) ?? [],
    jurisdictionClosures: stateClosures.get(agency.state) ?? [],
    events: events.map((event) => ({
      type: event.type,
      occurredAt: event.occurredAt,
      extensionDays: event.extensionDays,
      newDueDate: event.newDueDate,
    })),
  })
}

/**
 * Recomputes the deadline of every request in `state` that a change to the state's closure days can
 * touch (`why` says what changed). Each request whose due date moved gets one `deadline_changed`
 * timeline event and one `deadline_moved` email to its requester; reminders follow. Runs inside the
 * caller's transaction and returns how many due dates moved plus the deliveries to queue after commit.
 */
export async function moveDeadlinesIn(
  deps: RequestDeps,
  tx: Executor,
  input: { state: string; why: string; by: string },
): Promise<{ moved: number; queue: DeliveryJob[] }> {
  const queue: DeliveryJob[] = []
  const movedIds: string[] = []
  for (const id of await repository.deadlineRequestIdsIn(tx, input.state)) {
    const locked = (await repository.lockRequest(tx, id))!
    if (!locked.submittedAt) continue
    const deadline = await recomputeDeadline(deps, tx, locked)
    await repository.updateRequest(tx, id, { deadline, dueDate: deadline.dueDate })
    if (deadline.dueDate === locked.dueDate) continue
    const event = await repository.insertEvent(tx, {
      requestId: id,
      type: 'deadline_changed',
      occurredAt: deps.clock.now(),
      note: `${input.why}: due date moved from ${locked.dueDate ?? 'none'} to ${deadline.dueDate ?? 'none'}`,
      statusBefore: locked.status,
      statusAfter: locked.status,
      dueDateBefore: locked.dueDate,
      dueDateAfter: deadline.dueDate,
      createdBy: input.by,
    })
    const sequence = await countDeliveries(tx, id, 'deadline_moved')
    queue.push(
      ...(await insertDeliveries(tx, [
        {
          requestId: id,
          kind: 'deadline_moved',
          recipient: 'requester',
          sequence,
          sendAt: deps.clock.now(),
          dueDate: deadline.dueDate,
          aboutId: event.id,
        },
      ])),
    )
    movedIds.push(id)
  }
  queue.push(...(await syncReminders(deps, tx, await repository.findRequests(tx, movedIds))))
  return { moved: movedIds.length, queue }
}

/** How many of an agency's newest requests its page looks through for the ones a reader may see. */
const AGENCY_REQUESTS_SCANNED = 200

/**
 * An agency's requests that `user` may see (filed public ones; their own; all for admins), newest
 * first, at most `limit`. Decided by canSee, the one visibility rule, over the agency's
 * AGENCY_REQUESTS_SCANNED newest requests.
 */
export async function listAgencyRequests(
  deps: Pick<RequestDeps, 'db' | 'clock' | 'config'>,
  user: AuthUser | null,
  agencyId: string,
  limit: number,
): Promise<RequestView[]> {
  const rows = await repository.listRequests(deps.db, { agencyId, limit: AGENCY_REQUESTS_SCANNED })
  return rows
    .filter((row) => canSee(user, row.request))
    .slice(0, limit)
    .map((row) => toRequest(deps, row))
}
