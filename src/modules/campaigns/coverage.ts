/**
 * A campaign's coverage: how far each target agency's request has come, by status and by state.
 * The database counts targets per (state, status, overdue, needs contact); this adds the groups up.
 * Filed: anything past draft. Answered: the agency gave a substantive answer (records in part or in
 * full, none exist, or a denial), including answers since appealed. Overdue: past the due date and
 * still open, as GET /v1/requests?overdue=true decides.
 */
import { REQUEST_STATUSES, type RequestStatus } from '../requests/request-status.js'

export const ANSWERED_STATUSES: readonly RequestStatus[] = ['partially_fulfilled', 'fulfilled', 'no_records', 'rejected', 'appealed']

export interface CoverageGroup {
  state: string
  status: RequestStatus
  overdue: boolean
  /** Still a draft, and the agency has no approved email address: it needs a portal, a postal address or an address to approve. */
  needsContact: boolean
  count: number
}

export type StatusCounts = Record<RequestStatus, number> & { overdue: number }

export interface StateCoverage {
  state: string
  targets: number
  filed: number
  answered: number
  overdue: number
}

export interface Coverage {
  targetCount: number
  needsContact: number
  coverage: StatusCounts
  byState: StateCoverage[]
}

export function isAnswered(status: RequestStatus): boolean {
  return ANSWERED_STATUSES.includes(status)
}

function emptyCounts(): StatusCounts {
  return { ...(Object.fromEntries(REQUEST_STATUSES.map((status) => [status, 0])) as Record<RequestStatus, number>), overdue: 0 }
}

/** Adds up the database's groups; states in alphabetical order. */
export function coverageOf(groups: readonly CoverageGroup[]): Coverage {
  const coverage = emptyCounts()
  const states = new Map<string, StateCoverage>()
  let targetCount = 0
  let needsContact = 0
  for (const group of groups) {
    targetCount += group.count
    coverage[group.status] += group.count
    if (group.overdue) coverage.overdue += group.count
    if (group.needsContact) needsContact += group.count
    let state = states.get(group.state)
    if (!state) {
      state = { state: group.state, targets: 0, filed: 0, answered: 0, overdue: 0 }
      states.set(group.state, state)
    }
    state.targets += group.count
    if (group.status !== 'draft') state.filed += group.count
    if (isAnswered(group.status)) state.answered += group.count
    if (group.overdue) state.overdue += group.count
  }
  const byState = [...states.values()].sort((a, b) => a.state.localeCompare(b.state))
  return { targetCount, needsContact, coverage, byState }
}

/** The share of a state's filed requests that were answered (0 to 1), or null while none is filed. */
export function shareAnswered(state: Pick<StateCoverage, 'filed' | 'answered'>): number | null {
  return state.filed === 0 ? null : state.answered / state.filed
}
