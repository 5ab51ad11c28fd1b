import type { AppContext } from '../../context.js'
import type { Executor } from '../../db/client.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import { mutedUserIds } from '../accounts/accounts.repository.js'
import { closuresOf } from '../agencies/agencies.repository.js'
import { type BusinessCalendar, createBusinessCalendar } from '../deadlines/business-calendar.js'
import { expectedResponse } from '../deadlines/prompt-response.js'
import { closuresOfJurisdictions } from '../jurisdictions/jurisdiction-closures.repository.js'
import { type RequestWithAgency, setExpectedResponseOn } from '../requests/requests.repository.js'
import * as repository from './deliveries.repository.js'
import { type PlannedReminder, planReminders, type ReminderKind } from './reminder-plan.js'

export type ReminderDeps = Pick<AppContext, 'holidays' | 'clock' | 'config'>

const keyOf = (item: { kind: string; recipient: string; sequence: number }) => `${item.kind}|${item.recipient}|${item.sequence}`

/**
 * Brings each request's reminder rows in line with its plan (a pure function of the request, its
 * law and deadline, and now): new ones inserted, moved ones rescheduled, unwanted ones cancelled,
 * cancelled ones the plan wants again restored. Sent and failed rows are history and stay.
 * Works on many requests at once with a fixed number of queries (bulk submission, account-wide
 * mute). `found` must be the requests as the transaction has them now. Returns the deliveries to (re)queue once the transaction commits.
 */
export async function syncReminders(deps: ReminderDeps, tx: Executor, found: readonly RequestWithAgency[]): Promise<DeliveryJob[]> {
  if (found.length === 0) return []
  const requestIds = found.map(({ request }) => request.id)
  const ownerIds = [...new Set(found.map(({ request }) => request.userId))]
  const [mutedOwners, closures, stateClosures, existing] = await Promise.all([
    mutedUserIds(tx, ownerIds),
    closuresOf(tx, [...new Set(found.map(({ agency }) => agency.id))]),
    closuresOfJurisdictions(tx, [...new Set(found.map(({ agency }) => agency.state))]),
    repository.listRemindersOf(tx, requestIds),
  ])
  const existingByRequest = new Map<string, repository.DeliveryRow[]>()
  for (const row of existing) {
    const rows = existingByRequest.get(row.requestId)
    if (rows) rows.push(row)
    else existingByRequest.set(row.requestId, [row])
  }
  const changes: PlanChanges = { toQueue: [], toInsert: [], toCancel: [] }
  const calendars = new Map<string, BusinessCalendar>()
  const calendarOf = (agency: RequestWithAgency['agency']) => {
    let calendar = calendars.get(agency.id)
    if (!calendar) {
      calendar = createBusinessCalendar({
        holidays: deps.holidays,
        jurisdictionCode: agency.state,
        agencyClosures: closures.get(agency.id) ?? [],
        jurisdictionClosures: stateClosures.get(agency.state) ?? [],
      })
      calendars.set(agency.id, calendar)
    }
    return calendar
  }
  for (const { request, agency, timezone } of found) {
    const rows = existingByRequest.get(request.id) ?? []
    const calendar = calendarOf(agency)
    // A law with no fixed period: reminders count to the expected date instead (never to the agency).
    const expected = expectedResponse(request.deadline, calendar, {
      requested: request.promptResponseDays,
      fallback: deps.config.reminders.promptResponseBusinessDays,
    })
    const expectedOn = expected?.date ?? null
    if (expectedOn !== request.expectedResponseOn) await setExpectedResponseOn(tx, request.id, expectedOn)
    const plan = planReminders({
      status: request.status,
      dueDate: request.dueDate ?? expected?.date ?? null,
      runningClock: request.deadline?.running,
      timezone,
      calendar,
      now: deps.clock.now(),
      autoFollowUp: request.autoFollowUp && agency.email !== null && expected === null,
      requesterMuted: request.remindersMuted || mutedOwners.has(request.userId),
      followUpIntervalDays: deps.config.reminders.followUpIntervalDays,
      sendHour: deps.config.reminders.hour,
      history: rows.map((row) => ({
        kind: row.kind as ReminderKind,
        recipient: row.recipient,
        sequence: row.sequence,
        sendAt: row.sendAt,
        dueDate: row.dueDate ?? '',
        status: row.status,
      })),
    })
    await comparePlan(tx, request.id, rows, plan, changes)
  }
  const inserted = await repository.insertDeliveries(tx, changes.toInsert)
  await repository.cancelDeliveries(tx, changes.toCancel)
  return [...changes.toQueue.map(repository.deliveryJobOf), ...inserted]
}

interface PlanChanges {
  toQueue: repository.DeliveryRow[]
  toInsert: repository.DeliveryInsert[]
  toCancel: string[]
}

/** Adds what one request's rows need to match its plan; reschedules (rare) are applied at once. */
async function comparePlan(
  tx: Executor,
  requestId: string,
  existing: repository.DeliveryRow[],
  plan: PlannedReminder[],
  changes: PlanChanges,
): Promise<void> {
  const byKey = new Map(existing.map((row) => [keyOf(row), row]))
  const wanted = new Set(plan.map(keyOf))
  for (const planned of plan) {
    const row = byKey.get(keyOf(planned))
    if (!row) {
      changes.toInsert.push({ requestId, ...planned })
      continue
    }
    const moved = row.sendAt.getTime() !== planned.sendAt.getTime() || row.dueDate !== planned.dueDate
    if (row.status === 'cancelled' || (row.status === 'scheduled' && moved)) {
      changes.toQueue.push(await repository.rescheduleDelivery(tx, row.id, { sendAt: planned.sendAt, dueDate: planned.dueDate }))
    }
  }
  for (const row of existing) if (row.status === 'scheduled' && !wanted.has(keyOf(row))) changes.toCancel.push(row.id)
}
