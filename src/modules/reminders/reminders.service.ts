import { eq } from 'drizzle-orm'
import type { AppContext } from '../../context.js'
import type { Executor } from '../../db/client.js'
import { users, type REMINDER_KINDS } from '../../db/schema/index.js'
import type { DeliveryJob } from '../../jobs/queues.js'
import { closuresOf } from '../agencies/agencies.repository.js'
import { createBusinessCalendar } from '../deadlines/business-calendar.js'
import { findRequest } from '../requests/requests.repository.js'
import { planReminders, type PlannedReminder } from './reminder-plan.js'
import * as repository from './reminders.repository.js'

export type ReminderDeps = Pick<AppContext, 'holidays' | 'clock' | 'config'>

const keyOf = (item: { kind: string; recipient: string; sequence: number }) => `${item.kind}|${item.recipient}|${item.sequence}`

/**
 * Brings a request's reminder rows in line with its plan (a pure function of the request, its law
 * and deadline, and now): new ones inserted, moved ones rescheduled, unwanted ones cancelled,
 * cancelled ones the plan wants again restored. Sent and failed rows are history and stay.
 * Returns the deliveries to (re)queue once the transaction commits.
 */
export async function syncReminders(deps: ReminderDeps, tx: Executor, requestId: string): Promise<DeliveryJob[]> {
  const found = await findRequest(tx, requestId)
  if (!found) return []
  const { request, agency, timezone } = found
  const [owner] = await tx.select({ remindersMuted: users.remindersMuted }).from(users).where(eq(users.id, request.userId))
  const closures = (await closuresOf(tx, [agency.id])).get(agency.id) ?? []
  const existing = await repository.listRequestReminders(tx, requestId)
  const plan = planReminders({
    status: request.status,
    dueDate: request.dueDate,
    timezone,
    calendar: createBusinessCalendar({ holidays: deps.holidays, jurisdictionCode: agency.state, agencyClosures: closures }),
    now: deps.clock.now(),
    autoFollowUp: request.autoFollowUp && agency.email !== null,
    requesterMuted: request.remindersMuted || (owner?.remindersMuted ?? false),
    followUpIntervalDays: deps.config.reminders.followUpIntervalDays,
    sendHour: deps.config.reminders.hour,
    history: existing.map((row) => ({
      kind: row.kind as (typeof REMINDER_KINDS)[number],
      recipient: row.recipient,
      sequence: row.sequence,
      sendAt: row.sendAt,
      dueDate: row.dueDate ?? '',
      status: row.status,
    })),
  })
  return applyPlan(tx, requestId, existing, plan)
}

async function applyPlan(
  tx: Executor,
  requestId: string,
  existing: repository.DeliveryRow[],
  plan: PlannedReminder[],
): Promise<DeliveryJob[]> {
  const byKey = new Map(existing.map((row) => [keyOf(row), row]))
  const wanted = new Set(plan.map(keyOf))
  const toQueue: DeliveryJob[] = []
  const toInsert: repository.DeliveryInsert[] = []
  for (const planned of plan) {
    const row = byKey.get(keyOf(planned))
    if (!row) {
      toInsert.push({ requestId, ...planned })
      continue
    }
    const moved = row.sendAt.getTime() !== planned.sendAt.getTime() || row.dueDate !== planned.dueDate
    if (row.status === 'cancelled' || (row.status === 'scheduled' && moved)) {
      toQueue.push(await repository.rescheduleDelivery(tx, row.id, { sendAt: planned.sendAt, dueDate: planned.dueDate }))
    }
  }
  toQueue.push(...(await repository.insertDeliveries(tx, toInsert)))
  await repository.cancelDeliveries(
    tx,
    existing.filter((row) => row.status === 'scheduled' && !wanted.has(keyOf(row))).map((row) => row.id),
  )
  return toQueue.map((row) => ({ id: row.id, sendAt: row.sendAt }))
}
