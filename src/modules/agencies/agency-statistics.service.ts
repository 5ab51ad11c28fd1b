import type { AppContext } from '../../context.js'
import { NotFoundError } from '../../errors.js'
import * as agencies from './agencies.repository.js'
import * as repository from './agency-statistics.repository.js'
import { summarizeByState, summarizeResponses } from './response-statistics.js'

type StatisticsDeps = Pick<AppContext, 'db' | 'clock'>

/** How the agency answers requests, over its public requests only (see response-statistics.ts). */
export async function agencyStatistics(deps: StatisticsDeps, agencyId: string) {
  if (!(await agencies.findAgency(deps.db, agencyId))) throw new NotFoundError('Agency', agencyId)
  return summarizeResponses(await repository.publicTimelinesOfAgency(deps.db, agencyId), deps.clock.now())
}

export type AgencyStatistics = Awaited<ReturnType<typeof agencyStatistics>>

/**
 * The same figures per state over a set of requests (a campaign's). The caller has checked that whoever
 * sees the result may see those requests.
 */
export async function statisticsByState(deps: StatisticsDeps, requestIds: readonly string[]) {
  return summarizeByState(await repository.timelinesOfRequests(deps.db, requestIds), deps.clock.now())
}
