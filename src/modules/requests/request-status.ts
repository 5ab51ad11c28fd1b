/**
 * The request status machine: one table says which event may happen in which status and where
 * it leads. Everything else (service, API, timeline) reads this table.
 */
export const REQUEST_STATUSES = [
  'draft',
  'submitted',
  'acknowledged',
  'awaiting_fee',
  'awaiting_clarification',
  'partially_fulfilled',
  'fulfilled',
  'no_records',
  'rejected',
  'appealed',
  'withdrawn',
] as const
export type RequestStatus = (typeof REQUEST_STATUSES)[number]

export const CLOSED_STATUSES: readonly RequestStatus[] = ['fulfilled', 'no_records', 'rejected', 'withdrawn']

export const EVENT_TYPES = [
  'acknowledged',
  'extended',
  'fee_requested',
  'fee_paid',
  'clarification_requested',
  'clarification_sent',
  'partial_release',
  'fulfilled',
  'no_records',
  'rejected',
  'appealed',
  'withdrawn',
  'note',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** Timeline entries the service writes itself; users log the EVENT_TYPES. */
export const SYSTEM_EVENT_TYPES = ['created', 'submitted', 'deadline_changed'] as const
export type TimelineEventType = EventType | (typeof SYSTEM_EVENT_TYPES)[number]

const OPEN: RequestStatus[] = ['submitted', 'acknowledged', 'awaiting_fee', 'awaiting_clarification', 'partially_fulfilled', 'appealed']
const RUNNING_CLOCK: RequestStatus[] = ['submitted', 'acknowledged', 'partially_fulfilled', 'appealed']
const ANSWERED: RequestStatus[] = ['partially_fulfilled', 'fulfilled', 'no_records', 'rejected']

/**
 * `resumed`: back to the status the request had before the pause this event ends (a fee paid during
 * an appeal returns to `appealed`, not to `acknowledged`).
 */
type Transition = { from: readonly RequestStatus[]; to: RequestStatus | 'unchanged' | 'resumed' }

export const TRANSITIONS: Record<TimelineEventType | 'submit', Transition> = {
  created: { from: [], to: 'draft' },
  submit: { from: ['draft'], to: 'submitted' },
  submitted: { from: ['draft'], to: 'submitted' },
  // Written by the service when a jurisdiction closure moves the due date; never logged by users.
  deadline_changed: { from: [], to: 'unchanged' },
  acknowledged: { from: ['submitted'], to: 'acknowledged' },
  extended: { from: RUNNING_CLOCK, to: 'unchanged' },
  fee_requested: { from: RUNNING_CLOCK, to: 'awaiting_fee' },
  fee_paid: { from: ['awaiting_fee'], to: 'resumed' },
  clarification_requested: { from: RUNNING_CLOCK, to: 'awaiting_clarification' },
  clarification_sent: { from: ['awaiting_clarification'], to: 'resumed' },
  partial_release: { from: RUNNING_CLOCK, to: 'partially_fulfilled' },
  fulfilled: { from: OPEN, to: 'fulfilled' },
  no_records: { from: OPEN, to: 'no_records' },
  rejected: { from: OPEN, to: 'rejected' },
  // An appeal answers a denial, a partial or no-records answer, or silence past the deadline.
  appealed: { from: ['submitted', 'acknowledged', ...ANSWERED], to: 'appealed' },
  withdrawn: { from: OPEN, to: 'withdrawn' },
  note: { from: REQUEST_STATUSES, to: 'unchanged' },
}

export function isClosed(status: RequestStatus): boolean {
  return CLOSED_STATUSES.includes(status)
}

export function isAllowed(status: RequestStatus, event: keyof typeof TRANSITIONS): boolean {
  return TRANSITIONS[event].from.includes(status)
}

/** The events that pause the request and the events that end each pause. */
export const PAUSING_EVENTS = { fee_paid: 'fee_requested', clarification_sent: 'clarification_requested' } as const

/**
 * The status after `event`, or null when the event is not allowed in `status`. `beforePause` is
 * the status the request had when the pause that `event` ends began (`acknowledged` when unknown).
 */
export function nextStatus(
  status: RequestStatus,
  event: keyof typeof TRANSITIONS,
  beforePause: RequestStatus = 'acknowledged',
): RequestStatus | null {
  const transition = TRANSITIONS[event]
  if (!transition.from.includes(status)) return null
  if (transition.to === 'unchanged') return status
  return transition.to === 'resumed' ? beforePause : transition.to
}

export function allowedEvents(status: RequestStatus): EventType[] {
  return EVENT_TYPES.filter((event) => isAllowed(status, event))
}

/** How a status reads in prose and on pages ("partially_fulfilled" → "partially fulfilled"). */
export function statusLabel(status: string): string {
  return status.replaceAll('_', ' ')
}
