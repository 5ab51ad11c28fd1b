/**
 * What the request page leads with and how its timeline reads: pure functions of the request, its
 * events and its messages (the same views the JSON API answers), so the rules are tested without a
 * server. The timeline is one list, oldest first: events by when they happened, messages by when
 * they were sent or received (a message not sent yet sorts last, where it will appear).
 */
import type { MessageView } from '../modules/correspondence/message-view.js'
import type { RequestStatus } from '../modules/requests/request-status.js'
import { isClosed } from '../modules/requests/request-status.js'

export interface NextActionInput {
  status: RequestStatus
  overdue: boolean
  dueDate: string | null
  unreadMessages: number
  agencyEmail: boolean
}

export interface NextAction {
  /** One sentence saying what to do now. */
  text: string
  /** The part of the page where it is done. */
  anchor: '#file' | '#thread' | '#write' | '#log' | '#upload' | null
}

/** The one thing the requester should do next, in the order that matters most. */
export function nextAction(input: NextActionInput): NextAction {
  if (input.status === 'draft') return { text: 'Check the letter, then file it by email or record how you filed it.', anchor: '#file' }
  if (input.unreadMessages > 0) {
    const replies = input.unreadMessages === 1 ? 'a new reply' : `${input.unreadMessages} new replies`
    return { text: `The agency sent ${replies}: read it below and log what it says.`, anchor: '#thread' }
  }
  if (input.status === 'awaiting_fee') return { text: 'The agency asked for a fee: pay it or answer, then log “fee paid”.', anchor: '#log' }
  if (input.status === 'awaiting_clarification')
    return {
      text: 'The agency asked you to clarify: answer it, then log “clarification sent”.',
      anchor: input.agencyEmail ? '#write' : '#log',
    }
  if (input.status === 'rejected') return { text: 'The agency refused: you may appeal, then log “appealed”.', anchor: '#log' }
  if (isClosed(input.status))
    return { text: 'This request is closed: upload what the agency released, if you have not.', anchor: '#upload' }
  if (input.overdue)
    return {
      text: `The due date (${input.dueDate}) has passed: write to the agency and ask when it will answer.`,
      anchor: input.agencyEmail ? '#write' : '#log',
    }
  if (input.status === 'partially_fulfilled')
    return { text: 'Upload what the agency released so far and wait for the rest.', anchor: '#upload' }
  return {
    text: input.dueDate
      ? `Wait for the agency until ${input.dueDate}; log what it does and upload what it sends.`
      : 'Wait for the agency; log what it does and upload what it sends.',
    anchor: '#log',
  }
}

export interface TimelineEvent {
  id: string
  type: string
  occurredAt: string
  note: string | null
  extensionDays: number | null
  newDueDate: string | null
  amount: number | null
  statusAfter: string
}

export type TimelineEntry =
  | { kind: 'event'; at: string | null; event: TimelineEvent }
  | { kind: 'message'; at: string | null; message: MessageView }

/** Events and messages in one list, oldest first; stable for entries at the same instant (events first). */
export function mergeTimeline(events: readonly TimelineEvent[], messages: readonly MessageView[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...events.map((event) => ({ kind: 'event' as const, at: event.occurredAt, event })),
    ...messages.map((message) => ({ kind: 'message' as const, at: message.sentAt, message })),
  ]
  const time = (entry: TimelineEntry) => (entry.at === null ? Number.POSITIVE_INFINITY : Date.parse(entry.at))
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => time(a.entry) - time(b.entry) || a.index - b.index)
    .map(({ entry }) => entry)
}

/**
 * A calendar date from a form as the instant an event is logged at: now when it is today (or
 * empty), else noon UTC, which is the same calendar day in every US time zone.
 */
export function occurredAtOf(date: string | undefined, now: Date): string | undefined {
  if (!date) return undefined
  if (date === now.toISOString().slice(0, 10)) return now.toISOString()
  return `${date}T12:00:00.000Z`
}
