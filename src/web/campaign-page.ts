/**
 * What the campaign page shows besides the API's answer: the coverage map's states (outline, fill
 * by share answered, a label a screen reader and a hover both get) and the counts by status in
 * reading order. Pure: the page passes in the campaign, the jurisdictions and the outlines.
 */

import type { CampaignView } from '../modules/campaigns/campaigns.schemas.js'
import { shareAnswered } from '../modules/campaigns/coverage.js'
import { REQUEST_STATUSES, statusLabel } from '../modules/requests/request-status.js'
import { NO_TARGETS_COLOUR, NOT_FILED_COLOUR, SHARE_COLOURS, shareColour } from './us-map.js'

export interface MapState {
  code: string
  name: string
  path: string
  fill: string
  label: string
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`
}

export function mapStates(
  campaign: Pick<CampaignView, 'byState'>,
  jurisdictions: readonly { code: string; name: string }[],
  outlines: ReadonlyMap<string, string>,
): MapState[] {
  const coverage = new Map(campaign.byState.map((state) => [state.state, state]))
  return jurisdictions.flatMap(({ code, name }) => {
    const path = outlines.get(name)
    if (!path) return []
    const state = coverage.get(code)
    if (!state) return [{ code, name, path, fill: NO_TARGETS_COLOUR, label: `${name}: no agencies in this campaign` }]
    const share = shareAnswered(state)
    const answered = share === null ? 'none filed yet' : `${state.answered} of ${state.filed} filed answered (${percent(share)})`
    return [{ code, name, path, fill: shareColour(share), label: `${name}: ${state.targets} agencies, ${answered}` }]
  })
}

/** The map's key: one swatch per fill, in order. */
export function mapLegend(): { fill: string; label: string }[] {
  const step = 100 / SHARE_COLOURS.length
  return [
    { fill: NO_TARGETS_COLOUR, label: 'No agencies in this campaign' },
    { fill: NOT_FILED_COLOUR, label: 'None filed yet' },
    ...SHARE_COLOURS.map((fill, index) => ({
      fill,
      label: `${index * step}–${index === SHARE_COLOURS.length - 1 ? 100 : (index + 1) * step - 1}% answered`,
    })),
  ]
}

/** Counts by status in the order of the status machine, then overdue; zero rows left out. */
export function statusRows(campaign: Pick<CampaignView, 'coverage'>): { status: string; label: string; count: number }[] {
  const rows = [...REQUEST_STATUSES, 'overdue' as const].map((status) => ({
    status,
    label: statusLabel(status),
    count: campaign.coverage[status],
  }))
  return rows.filter((row) => row.count > 0)
}
