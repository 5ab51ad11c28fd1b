/**
 * A request's statutory response due date, from the submission, the records law and the timeline.
 * Pure: the holiday table and the agency's closure days are inputs.
 *
 * Counting rules (decided for the product; the statutes agree on the common case):
 * - Days are the jurisdiction's local days: a 23:30 Pacific submission counts on that Pacific date.
 * - The day of receipt is not counted. Business-day laws: a request that arrives on a non-business
 *   day counts as received on the next business day (`countedFrom`), and is due on the N-th
 *   business day after it. Calendar-day laws: due N days after the arrival day; a due date on a
 *   non-business day moves to the next business day.
 * - `fee_requested` / `clarification_requested` on day P pause the clock until the matching
 *   `fee_paid` / `clarification_sent` on day R: days in (P, R] do not count. While a pause is open
 *   the due date is unknown (null). A pause that starts on or after the due date changes nothing:
 *   the time had already run out.
 * - `extended` by N days adds N days of the law's kind to the count (so the order of extensions
 *   and pauses does not matter); `extended` to a date D makes D the due date, and later extensions
 *   and pauses count on from D (a pause already open when D is set does not push it).
 * - `appealed` restarts the clock from the appeal's day under the same law (or sets its
 *   `newDueDate`); earlier events no longer matter.
 * - `skipped` lists every day in (countedFrom, dueDate] that did not count, and why, after the
 *   non-business days from the arrival up to `countedFrom` (so a gap is never unexplained).
 */
import type { Jurisdiction } from '../jurisdictions/jurisdiction.js'
import { type AgencyClosure, type BusinessCalendar, createBusinessCalendar } from './business-calendar.js'
import { addDays, type CalendarDate, compareDates, isCalendarDate, localDateOf } from './calendar-date.js'
import type { HolidayCalendar } from './holiday-calendar.js'
import { type ClockKind, clocksStartingFrom, type LawClock, responsePeriodOn } from './law-clocks.js'

export interface DeadlineEvent {
  type: string
  occurredAt: Date
  extensionDays?: number | null
  newDueDate?: CalendarDate | null
}

export interface DeadlineInput {
  submittedAt: Date
  jurisdiction: Jurisdiction
  holidays: HolidayCalendar
  agencyClosures: AgencyClosure[]
  /** Days the whole jurisdiction's offices closed (a designated holiday, a proclamation, a storm). */
  jurisdictionClosures?: AgencyClosure[]
  events: DeadlineEvent[]
}

export interface SkippedDay {
  date: CalendarDate
  reason: string
}

export interface Deadline {
  /** Null when the law sets no fixed period or while the clock is paused. */
  dueDate: CalendarDate | null
  /** How the due date was reached, in words a requester can quote to a records officer. */
  rule: string
  /** The day counting starts after (day of receipt, or of the appeal). */
  countedFrom: CalendarDate
  skipped: SkippedDay[]
  /** Days that would have counted but fell inside a pause. */
  pausedDays: number
  pausedSince: CalendarDate | null
  /** Which of `clocks` the fields above describe; absent on deadlines stored before clocks existed. */
  running?: ClockKind
  /** Every clock the law sets for this request, each with its own date and explanation. */
  clocks?: DeadlineClock[]
}

export interface DeadlineClock {
  kind: ClockKind
  /** Null until the clock starts (an acknowledgment or a denial not yet logged) or while paused. */
  dueDate: CalendarDate | null
  rule: string
  skipped: SkippedDay[]
  running: boolean
}

type DayType = NonNullable<Jurisdiction['dayType']>

const PAUSES = {
  fee_requested: { resumedBy: 'fee_paid', waitingFor: 'fee' },
  clarification_requested: { resumedBy: 'clarification_sent', waitingFor: 'clarification' },
} as const
type PauseKind = keyof typeof PAUSES

interface Pause {
  kind: PauseKind
  from: CalendarDate
  /** The day the clock resumed; null while it is still paused. */
  until: CalendarDate | null
}

interface DatedEvent extends DeadlineEvent {
  on: CalendarDate
}

/** The count as the timeline leaves it: `days` counting days after `anchor`. */
interface Clock {
  anchor: CalendarDate
  days: number
  /** Pauses that began after the anchor was set; they move the due date. */
  pausesSinceAnchor: Pause[]
  /** Every pause since the clock (re)started. */
  pauses: Pause[]
  /** What the timeline did to the count, in order, for the rule text: phrases and pauses. */
  history: Array<string | Pause>
}

/** What the law counts as a day, for one agency. */
interface Counting {
  dayType: DayType
  calendar: BusinessCalendar
  countedFrom: CalendarDate
}

export function computeDeadline(input: DeadlineInput): Deadline {
  const { jurisdiction: law } = input
  const submittedOn = localDateOf(input.submittedAt, law.timezone)
  const period = responsePeriod(law, submittedOn)
  const calendar = createBusinessCalendar({
    holidays: input.holidays,
    jurisdictionCode: law.code,
    agencyClosures: input.agencyClosures,
    jurisdictionClosures: input.jurisdictionClosures ?? [],
  })
  const closureKinds = [
    ...(input.agencyClosures.length > 0 ? ['agency closure day'] : []),
    ...((input.jurisdictionClosures ?? []).length > 0 ? ['state office closure day'] : []),
  ]
  const events = datedEvents(input.events, law.timezone)
  const base = { law, calendar, closureKinds }

  const response =
    period.days === null || period.dayType === null
      ? withoutFixedPeriod(law, period, submittedOn)
      : runClock({
          ...base,
          days: period.days,
          dayType: period.dayType,
          under: period.under,
          startedOn: submittedOn,
          after: 'receipt',
          events,
          restartsOnAppeal: true,
        })
  const clocks: Array<{ kind: ClockKind; deadline: Deadline }> = [{ kind: period.kind, deadline: response }]

  const acknowledgment = events.find((event) => event.type === 'acknowledged')
  for (const clock of clocksStartingFrom(law.clocks, 'acknowledgment', acknowledgment?.on ?? submittedOn)) {
    const under = underLaw(law, clock)
    clocks.push({
      kind: clock.kind,
      deadline: acknowledgment
        ? runClock({
            ...base,
            days: clock.days!,
            dayType: clock.dayType!,
            under,
            startedOn: acknowledgment.on,
            after: `the acknowledgment on ${acknowledgment.on}`,
            events: eventsUntilAppeal(events, acknowledgment),
            restartsOnAppeal: false,
          })
        : notStarted(
            `${countOf(clock.days!, clock.dayType!)} after the acknowledgment ${under}; starts when the acknowledgment is logged`,
            submittedOn,
          ),
    })
  }
  if (period.days !== null && period.dayType !== null) {
    for (const clock of clocksStartingFrom(law.clocks, 'due_date', submittedOn)) {
      if (clock.dayType !== period.dayType) continue
      const deadline = runClock({
        ...base,
        days: period.days + clock.days!,
        dayType: period.dayType,
        under: underLaw(law, clock),
        startedOn: submittedOn,
        after: 'receipt',
        events: [],
        restartsOnAppeal: false,
      })
      clocks.push({
        kind: clock.kind,
        deadline: {
          ...deadline,
          rule: `Latest extension: ${countOf(clock.days!, clock.dayType!)} beyond the ${countOf(period.days, period.dayType)}, so ${lowerFirst(deadline.rule)}`,
        },
      })
    }
  }
  const denial = events.findLast((event) => DENIALS.has(event.type))
  for (const clock of clocksStartingFrom(law.clocks, 'denial', denial?.on ?? submittedOn)) {
    const under = underLaw(law, clock)
    clocks.push({
      kind: clock.kind,
      deadline: denial
        ? runClock({
            ...base,
            days: clock.days!,
            dayType: clock.dayType!,
            under,
            startedOn: denial.on,
            after: `the denial on ${denial.on}`,
            events: [],
            restartsOnAppeal: false,
            toAppeal: true,
          })
        : notStarted(
            `${countOf(clock.days!, clock.dayType!)} to appeal after a denial ${under}; starts when a denial (rejected, no records or a partial release) is logged`,
            submittedOn,
          ),
    })
  }

  const runningKind = runningClock(
    events,
    period.kind,
    clocks.map((clock) => clock.kind),
  )
  const running = clocks.find((clock) => clock.kind === runningKind)!.deadline
  return {
    ...running,
    running: runningKind,
    clocks: clocks.map(({ kind, deadline }) => ({
      kind,
      dueDate: deadline.dueDate,
      rule: deadline.rule,
      skipped: deadline.skipped,
      running: kind === runningKind,
    })),
  }
}

/** Answers that end the agency's clock and start the requester's window to appeal. */
const DENIALS: ReadonlySet<string> = new Set(['rejected', 'no_records', 'partial_release'])
/** Of those, the ones that leave nothing else running (a partial release still owes the rest). */
const FINAL_DENIALS: ReadonlySet<string> = new Set(['rejected', 'no_records'])

/**
 * Which clock the timeline leaves running: the response period; the determination once an
 * acknowledgment is logged (where the law counts one from it); the appeal window after a final
 * denial; the response period again after an appeal (it restarts the clock).
 */
function runningClock(events: readonly DatedEvent[], responseKind: ClockKind, kinds: readonly ClockKind[]): ClockKind {
  let running = responseKind
  for (const event of events) {
    if (event.type === 'acknowledged' && responseKind === 'acknowledgment' && kinds.includes('determination')) running = 'determination'
    else if (FINAL_DENIALS.has(event.type) && kinds.includes('appeal_window')) running = 'appeal_window'
    else if (event.type === 'appealed') running = responseKind
  }
  return running
}

function eventsUntilAppeal(events: readonly DatedEvent[], after: DatedEvent): DatedEvent[] {
  const later = events.slice(events.indexOf(after) + 1)
  const appeal = later.findIndex((event) => event.type === 'appealed')
  return appeal === -1 ? later : later.slice(0, appeal)
}

interface ResponsePeriod {
  kind: ClockKind
  days: number | null
  dayType: DayType | null
  /** "under the Kentucky Open Records Act (KRS 61.880(1) …, in force from 2021-06-29)" */
  under: string
  /** The version's words when it set no fixed period. */
  none: string | null
}

/** The response period of the law in force on the day of receipt (records-law-clocks.csv), else records-laws.csv's. */
function responsePeriod(law: Jurisdiction, receivedOn: CalendarDate): ResponsePeriod {
  const version = responsePeriodOn(law.clocks, receivedOn)
  if (!version) return { kind: 'response', days: law.responseDays, dayType: law.dayType, under: underLaw(law, null), none: null }
  const dated = version.effectiveFrom !== null || version.effectiveTo !== null
  return {
    kind: version.kind,
    days: version.days,
    dayType: version.dayType,
    under: underLaw(law, version),
    none:
      dated && version.days === null
        ? `${law.lawName} (${version.citation}${inForce(version)}) set no fixed number of days for a request received on ${receivedOn}`
        : null,
  }
}

function underLaw(law: Jurisdiction, clock: LawClock | null): string {
  if (clock === null || (clock.effectiveFrom === null && clock.effectiveTo === null && clock.drivesDueDate))
    return `under the ${law.lawName} (${law.citation})`
  return `under the ${law.lawName} (${clock.citation}${inForce(clock)})`
}

function inForce(clock: LawClock): string {
  if (clock.effectiveFrom !== null && clock.effectiveTo !== null) return `, in force from ${clock.effectiveFrom} to ${clock.effectiveTo}`
  if (clock.effectiveFrom !== null) return `, in force from ${clock.effectiveFrom}`
  if (clock.effectiveTo !== null) return `, in force until ${clock.effectiveTo}`
  return ''
}

function notStarted(rule: string, submittedOn: CalendarDate): Deadline {
  return {
    dueDate: null,
    rule: rule.charAt(0).toUpperCase() + rule.slice(1),
    countedFrom: submittedOn,
    skipped: [],
    pausedDays: 0,
    pausedSince: null,
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

interface ClockRun {
  law: Jurisdiction
  calendar: BusinessCalendar
  /** "agency closure day", "state office closure day": the kinds of closure the calendar has. */
  closureKinds: string[]
  days: number
  dayType: DayType
  under: string
  startedOn: CalendarDate
  /** What the days are counted after: "receipt", "the acknowledgment on 2026-03-02". */
  after: string
  events: readonly DatedEvent[]
  /** Only the response period restarts when an appeal is logged. */
  restartsOnAppeal: boolean
  /** The requester's window: the rule says what is due. */
  toAppeal?: boolean
}

function runClock(run: ClockRun): Deadline {
  const { calendar, dayType, events } = run
  const lastAppeal = run.restartsOnAppeal ? events.findLastIndex((event) => event.type === 'appealed') : -1
  const appeal = events[lastAppeal]
  const startedOn = appeal?.on ?? run.startedOn
  const counting: Counting = { dayType, calendar, countedFrom: effectiveReceipt(dayType, calendar, startedOn) }

  const clock = applyEvents(startClock(counting, run.days, appeal), events.slice(lastAppeal + 1), dayType)
  const { due, rolledFrom } = dueDateOf(clock, counting)
  const openPause = clock.pauses.find((pause) => pause.until === null && compareDates(pause.from, due) < 0) ?? null
  const countedUntil = openPause?.from ?? due
  const { skipped, pausedDays } = skippedDays(counting, clock.pauses, countedUntil, rolledFrom)

  return {
    dueDate: openPause ? null : due,
    rule: describeRule({ ...run, responseDays: run.days, appeal, clock, due }),
    countedFrom: counting.countedFrom,
    skipped: [...daysBeforeReceipt(calendar, startedOn, counting.countedFrom), ...skipped],
    pausedDays,
    pausedSince: openPause?.from ?? null,
  }
}

/** True when the due date is before today's date in `timeZone` (due today is not overdue). */
export function isOverdue(deadline: Pick<Deadline, 'dueDate'>, now: Date, timeZone: string): boolean {
  return deadline.dueDate !== null && compareDates(deadline.dueDate, localDateOf(now, timeZone)) < 0
}

function withoutFixedPeriod(law: Jurisdiction, period: ResponsePeriod, submittedOn: CalendarDate): Deadline {
  return {
    dueDate: null,
    rule: period.none ?? `${law.lawName} (${law.citation}) sets no fixed number of days: ${law.responseRuleText}`,
    countedFrom: submittedOn,
    skipped: [],
    pausedDays: 0,
    pausedSince: null,
  }
}

function datedEvents(events: readonly DeadlineEvent[], timeZone: string): DatedEvent[] {
  return events
    .map((event) => ({ ...event, on: localDateOf(event.occurredAt, timeZone) }))
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
}

/** Business-day laws treat a request that arrives on a non-business day as received on the next one. */
function effectiveReceipt(dayType: DayType, calendar: BusinessCalendar, startedOn: CalendarDate): CalendarDate {
  return dayType === 'business' && !calendar.isBusinessDay(startedOn) ? calendar.nextBusinessDay(startedOn) : startedOn
}

/** The non-business days from the arrival up to the day the request counts as received. */
function daysBeforeReceipt(calendar: BusinessCalendar, startedOn: CalendarDate, countedFrom: CalendarDate): SkippedDay[] {
  const days: SkippedDay[] = []
  for (let day = startedOn; compareDates(day, countedFrom) < 0; day = addDays(day, 1)) {
    days.push({ date: day, reason: calendar.nonBusinessReason(day) ?? 'Not a business day' })
  }
  return days
}

function startClock(counting: Counting, responseDays: number, appeal: DatedEvent | undefined): Clock {
  const setDate = appeal?.newDueDate
  if (setDate != null) return { anchor: checkedDate(setDate), days: 0, pausesSinceAnchor: [], pauses: [], history: [] }
  return { anchor: counting.countedFrom, days: responseDays, pausesSinceAnchor: [], pauses: [], history: [] }
}

function applyEvents(clock: Clock, events: readonly DatedEvent[], dayType: DayType): Clock {
  for (const event of events) {
    const open = clock.pauses.find((pause) => pause.until === null)
    if (isPauseKind(event.type) && !open) {
      const pause: Pause = { kind: event.type, from: event.on, until: null }
      clock.pauses.push(pause)
      clock.pausesSinceAnchor.push(pause)
      clock.history.push(pause)
    } else if (open && event.type === PAUSES[open.kind].resumedBy) {
      open.until = event.on
    } else if (event.type === 'extended') {
      extend(clock, event, dayType)
    }
  }
  return clock
}

function extend(clock: Clock, event: DatedEvent, dayType: DayType): void {
  if (event.newDueDate != null) {
    clock.anchor = checkedDate(event.newDueDate)
    clock.days = 0
    clock.pausesSinceAnchor = []
    clock.history.push(`extended to ${event.newDueDate} on ${event.on}`)
  }
  const days = event.extensionDays
  if (days != null) {
    if (!Number.isInteger(days) || days < 0) throw new RangeError(`extensionDays must be a whole number of days, got ${days}`)
    clock.days += days
    clock.history.push(`extended by ${countOf(days, dayType)} on ${event.on}`)
  }
}

/**
 * Counts the clock's days after its anchor, skipping paused days. Pause days that fell before a set
 * due date (between the `extended` event and that date) push it by as many counting days.
 */
function dueDateOf(clock: Clock, counting: Counting): { due: CalendarDate; rolledFrom: CalendarDate | null } {
  const closed = clock.pausesSinceAnchor.filter((pause) => pause.until !== null)
  const pushedBy = closed.reduce((sum, pause) => sum + countingDaysPausedBefore(pause, clock.anchor, counting), 0)
  let day = clock.anchor
  for (let remaining = clock.days + pushedBy; remaining > 0; ) {
    day = addDays(day, 1)
    if (!closed.some((pause) => isPausedOn(pause, day)) && countsAsDay(counting, day)) remaining--
  }
  const counted = clock.days + pushedBy > 0
  if (counting.dayType === 'calendar' && counted && !counting.calendar.isBusinessDay(day)) {
    return { due: counting.calendar.nextBusinessDay(day), rolledFrom: day }
  }
  return { due: day, rolledFrom: null }
}

function countingDaysPausedBefore(pause: Pause, anchor: CalendarDate, counting: Counting): number {
  let paused = 0
  for (let day = addDays(pause.from, 1); compareDates(day, anchor) <= 0 && isPausedOn(pause, day); day = addDays(day, 1)) {
    if (compareDates(day, counting.countedFrom) > 0 && countsAsDay(counting, day)) paused++
  }
  return paused
}

/** Every day in (countedFrom, until] that did not count, with its reason. */
function skippedDays(
  counting: Counting,
  pauses: readonly Pause[],
  until: CalendarDate,
  rolledFrom: CalendarDate | null,
): { skipped: SkippedDay[]; pausedDays: number } {
  const { calendar, dayType } = counting
  const skipped: SkippedDay[] = []
  let pausedDays = 0
  for (let day = addDays(counting.countedFrom, 1); compareDates(day, until) <= 0; day = addDays(day, 1)) {
    const nonBusiness = calendar.nonBusinessReason(day)
    const pause = pauses.find((p) => isPausedOn(p, day))
    if (dayType === 'business' && nonBusiness !== null) {
      skipped.push({ date: day, reason: nonBusiness })
    } else if (pause) {
      skipped.push({ date: day, reason: `Clock paused: awaiting ${PAUSES[pause.kind].waitingFor}` })
      pausedDays++
    } else if (rolledFrom !== null && nonBusiness !== null && compareDates(day, rolledFrom) >= 0) {
      skipped.push({ date: day, reason: `${nonBusiness} (due date moved to the next business day)` })
    }
  }
  return { skipped, pausedDays }
}

interface RuleParts {
  law: Jurisdiction
  responseDays: number
  dayType: DayType
  under: string
  after: string
  closureKinds: string[]
  appeal: DatedEvent | undefined
  clock: Clock
  /** The due date the count reached, ignoring an open pause. */
  due: CalendarDate
  toAppeal?: boolean
}

function describeRule({ law, responseDays, dayType, under, after, closureKinds, appeal, clock, due, toAppeal }: RuleParts): string {
  const holiday = `${law.code === 'US' ? 'federal' : law.name} legal holiday`
  const period = countOf(responseDays, dayType)
  const closure = closureKinds
  const counting =
    dayType === 'business'
      ? `not counting ${listOf(
          ['weekend', holiday, ...closure].map((words) => `${words}s`),
          'and',
        )}`
      : `a due date on a ${listOf(['weekend', holiday, ...closure], 'or')} moves to the next business day`

  let base: string
  if (appeal?.newDueDate != null) base = `due ${appeal.newDueDate}, set by the appeal filed on ${appeal.on} ${under}`
  else if (appeal) base = `the appeal filed on ${appeal.on} restarted the clock: ${period} after the appeal ${under}, ${counting}`
  else if (toAppeal) base = `${period} after ${after} to appeal ${under}, ${counting}`
  else base = `${period} after ${after} ${under}, ${counting}`

  const changes = clock.history.flatMap((entry) => (typeof entry === 'string' ? [entry] : describePause(entry, due)))
  const sentence = [base, ...changes].join('; ')
  return sentence.charAt(0).toUpperCase() + sentence.slice(1)
}

/** The pause in words, or nothing when it began once the time had run out and so changed nothing. */
function describePause(pause: Pause, due: CalendarDate): string[] {
  if (compareDates(pause.from, due) >= 0) return []
  const waiting = `awaiting ${PAUSES[pause.kind].waitingFor}`
  return [
    pause.until === null
      ? `clock paused since ${pause.from} (${waiting})`
      : `clock paused from ${pause.from} to ${pause.until} (${waiting})`,
  ]
}

function countsAsDay(counting: Counting, day: CalendarDate): boolean {
  return counting.dayType === 'calendar' || counting.calendar.isBusinessDay(day)
}

function isPausedOn(pause: Pause, day: CalendarDate): boolean {
  return compareDates(day, pause.from) > 0 && (pause.until === null || compareDates(day, pause.until) <= 0)
}

function isPauseKind(type: string): type is PauseKind {
  return Object.hasOwn(PAUSES, type)
}

function checkedDate(date: CalendarDate): CalendarDate {
  if (!isCalendarDate(date)) throw new RangeError(`newDueDate must be YYYY-MM-DD, got ${JSON.stringify(date)}`)
  return date
}

function countOf(days: number, dayType: DayType): string {
  return `${days} ${dayType} ${days === 1 ? 'day' : 'days'}`
}

/** "a, b and c"; takes at least two items. */
function listOf(items: readonly string[], conjunction: 'and' | 'or'): string {
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`
}
