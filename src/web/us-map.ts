/**
 * The outline of every US state for the campaign page's coverage map, drawn as SVG paths from
 * us-atlas (U.S. Census Bureau cartographic boundaries, public domain; packaged under the ISC
 * licence), already projected to Albers USA (Alaska and Hawaii inset) in a 975 × 610 frame.
 * Read from the package once, on first use: nothing is downloaded at run time.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { MultiPolygon, Polygon } from 'geojson'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'

export const US_MAP_VIEW_BOX = '0 0 975 610'

let outlines: Map<string, string> | null = null

function ringPath(ring: readonly number[][]): string {
  return `M${ring.map(([x, y]) => `${x!.toFixed(1)},${y!.toFixed(1)}`).join('L')}Z`
}

function geometryPath(geometry: Polygon | MultiPolygon): string {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return polygons.flatMap((polygon) => polygon.map(ringPath)).join('')
}

/** Each state's outline as SVG path data, by the state's name ("Washington", "District of Columbia"). */
export function stateOutlines(): Map<string, string> {
  if (outlines) return outlines
  const file = createRequire(import.meta.url).resolve('us-atlas/states-albers-10m.json')
  const topology = JSON.parse(readFileSync(file, 'utf8')) as Topology<{ states: GeometryCollection<{ name: string }> }>
  const states = feature(topology, topology.objects.states)
  outlines = new Map(
    states.features.map((state) => [state.properties.name, geometryPath(state.geometry as Polygon | MultiPolygon)] as const),
  )
  return outlines
}

/** Fill colours from "none answered" to "all answered" (ColorBrewer Blues, 5 classes), and for states without filed requests. */
export const SHARE_COLOURS = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'] as const
export const NOT_FILED_COLOUR = '#ffffff'
export const NO_TARGETS_COLOUR = '#e5e5e5'

/** The colour of a state whose filed requests were answered in this share (0 to 1; null: none filed). */
export function shareColour(share: number | null): string {
  if (share === null) return NOT_FILED_COLOUR
  return SHARE_COLOURS[Math.min(SHARE_COLOURS.length - 1, Math.floor(share * SHARE_COLOURS.length))]!
}
