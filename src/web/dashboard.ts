/**
 * The dashboard's order: what needs the requester first. Pure: a request is in the first group it
 * fits, in this order: unread replies, overdue, due within DUE_SOON_DAYS (counted from `today`),
 * drafts not yet filed; every request is also in the full list below.
 */
import { isClosed, type RequestStatus } from '../modules/requests/request-status.js'

export const DUE_SOON_DAYS = 7

export interface DashboardRequest {
  id: string
  status: RequestStatus
  overdue: boolean
  dueDate: string | null
  unreadMessages: number
}

export type Attention = 'unread' | 'overdue' | 'due_soon' | 'draft'

function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00.000Z`)
  at.setUTCDate(at.getUTCDate() + days)
  return at.toISOString().slice(0, 10)
}

export function attentionOf(request: DashboardRequest, today: string): Attention | null {
  if (request.unreadMessages > 0) return 'unread'
  if (request.overdue) return 'overdue'
  if (request.dueDate && !isClosed(request.status) && request.status !== 'draft' && request.dueDate <= addDays(today, DUE_SOON_DAYS))
    return 'due_soon'
  if (request.status === 'draft') return 'draft'
  return null
}

/** The requests needing action, grouped in the order above; within a group, the earliest due first. */
export function groupByAttention<T extends DashboardRequest>(requests: readonly T[], today: string): Record<Attention, T[]> {
  const groups: Record<Attention, T[]> = { unread: [], overdue: [], due_soon: [], draft: [] }
  for (const request of requests) {
    const attention = attentionOf(request, today)
    if (attention) groups[attention].push(request)
  }
  const byDue = (a: T, b: T) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999')
  groups.overdue.sort(byDue)
  groups.due_soon.sort(byDue)
  return groups
}
