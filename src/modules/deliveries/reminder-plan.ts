/**
 * Which reminder emails a request is owed, as a pure function of the request, its business
 * calendar, the reminders already on record, and now. The service stores the plan as rows keyed by
 * (request, kind, recipient, sequence); planning again over those rows must give the same plan, so
 * sequences only move when a reminder of that key is done (sent or failed).
 *
 * The standard series for a due date (all at `sendHour`:00 in the agency's zone):
 * - due_soon: two business days before the due date;
 * - due_today: the due date, or the last business day before it when it is not a business day;
 * - overdue: the first business day after the due date;
 * - follow_up #n (n = 1, 2, …): overdue + n × interval calendar days, moved forward to a business
 *   day. Counted from the overdue day, not from the previous follow-up, so a moved one does not
 *   drift the rest. When a move lands two numbers on the same day (an interval shorter than a run
 *   of closed days) the later number is skipped: one email per day, never two.
 * The requester gets all four kinds unless muted; the agency gets overdue and follow_up when
 * autoFollowUp is on.
 *
 * Sequences keep (kind, recipient, sequence) unique for the life of the request:
 * - due_soon / due_today / overdue: done for this due date → not planned; else 0, or one past the
 *   highest done sequence when an earlier due date's reminder was sent or failed (an extension).
 * - follow_up: the follow-up number, offset by the highest sequence done for earlier due dates so a
 *   new series (after an appeal) does not reuse a number. Only the next follow-up after the last
 *   done one is planned in the future; the series is open-ended.
 *
 * Catch-up: of the reminders whose time has passed and that are not done, only the latest per
 * recipient is planned, at its original time (a worker sends it at once); earlier missed ones are
 * dropped, so a backfilled request gets one email, not the whole series. A reminder that precedes
 * one already done is stale and never planned. `cancelled` rows are not done: a reopened request
 * plans them again.
 *
 * After a final denial the running clock is the requester's window to appeal (`runningClock:
 * 'appeal_window'`, the due date its last day): the requester alone gets one appeal_window reminder
 * five business days before the window closes (at once if that day has passed and the window is
 * still open), whatever the request's status.
 */
import type { BusinessCalendar } from '../deadlines/business-calendar.js'
import { addDays, type CalendarDate, daysBetween } from '../deadlines/calendar-date.js'
import type { ClockKind } from '../deadlines/law-clocks.js'
import { isClosed, type RequestStatus } from '../requests/request-status.js'

export const REMINDER_KINDS = ['due_soon', 'due_today', 'overdue', 'follow_up', 'appeal_window'] as const
export type ReminderKind = (typeof REMINDER_KINDS)[number]
export const RECIPIENTS = ['requester', 'agency'] as const
export type Recipient = (typeof RECIPIENTS)[number]

export const DEFAULT_FOLLOW_UP_INTERVAL_DAYS = 14
export const DEFAULT_SEND_HOUR = 9
/** Business days before an appeal window closes that the requester is reminded. */
export const APPEAL_NOTICE_BUSINESS_DAYS = 5

/** A reminder row that already exists for the request. */
export interface ReminderHistoryItem {
  kind: ReminderKind
  recipient: Recipient
  sequence: number
  sendAt: Date
  /** The due date it was planned for. */
  dueDate: CalendarDate
  status: 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'failed'
}

export interface PlanInput {
  /** Draft and closed statuses plan nothing. */
  status: RequestStatus
  /** Null when there is no fixed deadline or the clock is paused: nothing is planned. */
  dueDate: CalendarDate | null
  /** Which clock dueDate belongs to (the deadline's `running`); the response period when absent. */
  runningClock?: ClockKind
  /** IANA zone of the agency's jurisdiction. */
  timezone: string
  /** The agency's business days. */
  calendar: BusinessCalendar
  now: Date
  autoFollowUp: boolean
  requesterMuted: boolean
  /** Calendar days between follow-ups (14 by default in config). */
  followUpIntervalDays: number
  /** Local hour the reminders go out (default 9). */
  sendHour?: number
  history: readonly ReminderHistoryItem[]
}

export interface PlannedReminder {
  kind: ReminderKind
  recipient: Recipient
  sequence: number
  sendAt: Date
  dueDate: CalendarDate
}

type FixedKind = Exclude<ReminderKind, 'follow_up' | 'appeal_window'>

const FIXED_KINDS: Record<Recipient, readonly FixedKind[]> = {
  requester: ['due_soon', 'due_today', 'overdue'],
  agency: ['overdue'],
}

/** Where a reminder stands in the series: due_soon 0, due_today 1, overdue 2, follow_up #n 2 + n. */
const FIXED_POSITION: Record<FixedKind, number> = { due_soon: 0, due_today: 1, overdue: 2 }

interface Candidate extends PlannedReminder {
  position: number
}

const isDone = (item: ReminderHistoryItem) => item.status === 'sent' || item.status === 'failed'

/** Sorted by sendAt, then kind and recipient in the order REMINDER_KINDS and RECIPIENTS list them. */
export function planReminders(input: PlanInput): PlannedReminder[] {
  const { status, dueDate, followUpIntervalDays, sendHour = DEFAULT_SEND_HOUR } = input
  if (!Number.isInteger(followUpIntervalDays) || followUpIntervalDays < 1) {
    throw new RangeError(`followUpIntervalDays must be a whole number of days ≥ 1, got ${followUpIntervalDays}`)
  }
  assertHour(sendHour)
  if (status === 'draft' || dueDate === null) return []
  if (input.runningClock === 'appeal_window') return planAppealWindow(input, dueDate, sendHour)
  if (isClosed(status)) return []

  const recipients = RECIPIENTS.filter((recipient) => (recipient === 'requester' ? !input.requesterMuted : input.autoFollowUp))
  const series = seriesFor(input.calendar, dueDate, followUpIntervalDays)
  const at = (date: CalendarDate) => localTimeToInstant(date, sendHour, input.timezone)
  return recipients
    .flatMap((recipient) => planFor(recipient, input, dueDate, series, at))
    .sort(
      (a, b) =>
        a.sendAt.getTime() - b.sendAt.getTime() ||
        REMINDER_KINDS.indexOf(a.kind) - REMINDER_KINDS.indexOf(b.kind) ||
        RECIPIENTS.indexOf(a.recipient) - RECIPIENTS.indexOf(b.recipient),
    )
}

function planAppealWindow(input: PlanInput, dueDate: CalendarDate, sendHour: number): PlannedReminder[] {
  if (input.requesterMuted) return []
  const history = input.history.filter((item) => item.kind === 'appeal_window' && item.recipient === 'requester')
  const done = history.filter(isDone)
  if (done.some((item) => item.dueDate === dueDate)) return []
  const windowClosesAt = localTimeToInstant(addDays(dueDate, 1), 0, input.timezone)
  if (input.now >= windowClosesAt) return []
  const sendAt = localTimeToInstant(input.calendar.addBusinessDays(dueDate, -APPEAL_NOTICE_BUSINESS_DAYS), sendHour, input.timezone)
  const sequence = done.length === 0 ? 0 : maxOf(done.map((item) => item.sequence)) + 1
  return [{ kind: 'appeal_window', recipient: 'requester', sequence, sendAt, dueDate }]
}

interface Series {
  fixed: Record<FixedKind, CalendarDate>
  /** Follow-up #n's day (n ≥ 1). */
  followUp(n: number): CalendarDate
}

function seriesFor(calendar: BusinessCalendar, dueDate: CalendarDate, intervalDays: number): Series {
  const overdue = calendar.nextBusinessDay(dueDate)
  const onBusinessDay = (date: CalendarDate) => (calendar.isBusinessDay(date) ? date : calendar.nextBusinessDay(date))
  return {
    fixed: {
      due_soon: calendar.addBusinessDays(dueDate, -2),
      due_today: calendar.isBusinessDay(dueDate) ? dueDate : calendar.addBusinessDays(dueDate, -1),
      overdue,
    },
    followUp: (n) => onBusinessDay(addDays(overdue, n * intervalDays)),
  }
}

function planFor(
  recipient: Recipient,
  input: PlanInput,
  dueDate: CalendarDate,
  series: Series,
  at: (date: CalendarDate) => Date,
): PlannedReminder[] {
  const history = input.history.filter((item) => item.recipient === recipient)
  const candidates: Candidate[] = []
  let lastDonePosition = -1

  for (const kind of FIXED_KINDS[recipient]) {
    const done = history.filter((item) => item.kind === kind && isDone(item))
    if (done.some((item) => item.dueDate === dueDate)) {
      lastDonePosition = Math.max(lastDonePosition, FIXED_POSITION[kind])
      continue
    }
    const sequence = done.length === 0 ? 0 : maxOf(done.map((item) => item.sequence)) + 1
    const sendAt = at(series.fixed[kind])
    candidates.push({ kind, recipient, sequence, sendAt, dueDate, position: FIXED_POSITION[kind] })
  }

  const doneFollowUps = history.filter((item) => item.kind === 'follow_up' && isDone(item))
  const offset = maxOf(doneFollowUps.filter((item) => item.dueDate !== dueDate).map((item) => item.sequence))
  const lastNumber = maxOf(
    doneFollowUps.filter((item) => item.dueDate === dueDate && item.sequence > offset).map((item) => item.sequence - offset),
  )
  if (lastNumber > 0) lastDonePosition = Math.max(lastDonePosition, FIXED_POSITION.overdue + lastNumber)

  // Walk the follow-ups after the last done one up to the first in the future. Bounded: each
  // number is at least one calendar day later than the one before.
  let previousDay = lastNumber > 0 ? series.followUp(lastNumber) : series.fixed.overdue
  for (let n = lastNumber + 1; ; n++) {
    const day = series.followUp(n)
    if (day === previousDay) continue
    previousDay = day
    const sendAt = at(day)
    candidates.push({ kind: 'follow_up', recipient, sequence: offset + n, sendAt, dueDate, position: FIXED_POSITION.overdue + n })
    if (sendAt > input.now) break
  }

  const live = candidates.filter((candidate) => candidate.position > lastDonePosition)
  const missed = live.filter((candidate) => candidate.sendAt <= input.now)
  const latestMissed = missed.reduce<Candidate | undefined>(
    (latest, c) => (!latest || c.position > latest.position ? c : latest),
    undefined,
  )
  const keep = live.filter((candidate) => candidate.sendAt > input.now || candidate === latestMissed)
  return keep.map(({ kind, sequence, sendAt }) => ({ kind, recipient, sequence, sendAt, dueDate }))
}

/** The largest value, 0 for none (sequences and follow-up numbers start above 0). */
function maxOf(values: readonly number[]): number {
  return values.reduce((max, value) => Math.max(max, value), 0)
}

function assertHour(hour: number): void {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`sendHour must be a whole hour 0-23, got ${hour}`)
}

const MS_PER_HOUR = 3_600_000
const MS_PER_DAY = 86_400_000
const offsetFormatters = new Map<string, Intl.DateTimeFormat>()

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms (negative west of Greenwich). */
function zoneOffsetAt(instant: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone)
  if (!formatter) {
    // Throws a RangeError for an unknown zone.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    offsetFormatters.set(timeZone, formatter)
  }
  const parts = formatter.formatToParts(new Date(instant))
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value)
  const wallClock = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'))
  // The wall clock has whole seconds; so must the instant it is compared with.
  return wallClock - Math.floor(instant / 1000) * 1000
}

/**
 * The instant a wall clock in `timeZone` shows `hour`:00 on `date`, DST included (09:00
 * America/Los_Angeles is 17:00Z in winter, 16:00Z in summer). Like Temporal's "compatible"
 * disambiguation: an hour that occurs twice (clocks fall back) is the earlier instant, an hour the
 * clocks skip (spring forward) is read with the offset before the jump, so it lands after the gap.
 */
export function localTimeToInstant(date: CalendarDate, hour: number, timeZone: string): Date {
  assertHour(hour)
  // Intl does the zone arithmetic slowly, and a bulk submission asks for the same days again and again.
  const key = `${timeZone} ${date} ${hour}`
  let instant = instants.get(key)
  if (instant === undefined) {
    if (instants.size >= INSTANT_MEMO_LIMIT) instants.clear()
    instant = wallClockToInstant(date, hour, timeZone)
    instants.set(key, instant)
  }
  return new Date(instant)
}

const INSTANT_MEMO_LIMIT = 100_000
const instants = new Map<string, number>()

function wallClockToInstant(date: CalendarDate, hour: number, timeZone: string): number {
  const wallClock = daysBetween('1970-01-01', date) * MS_PER_DAY + hour * MS_PER_HOUR
  // No zone changes its offset twice within a day, so the offsets a day either side bracket it.
  const before = zoneOffsetAt(wallClock - MS_PER_DAY, timeZone)
  const after = zoneOffsetAt(wallClock + MS_PER_DAY, timeZone)
  const matches = [wallClock - before, wallClock - after].filter((instant) => instant + zoneOffsetAt(instant, timeZone) === wallClock)
  return matches.length > 0 ? Math.min(...matches) : wallClock - before
}
