import t from 'tap'
import { type CoverageGroup, coverageOf, shareAnswered } from '../../../src/modules/campaigns/coverage.js'
import { letterSendTimes } from '../../../src/modules/campaigns/pacing.js'
import { csvCell, targetsCsv } from '../../../src/modules/campaigns/targets-csv.js'
import { mapLegend, mapStates, statusRows } from '../../../src/web/campaign-page.js'

const group = (state: string, status: CoverageGroup['status'], count: number, extra: Partial<CoverageGroup> = {}): CoverageGroup => ({
  state,
  status,
  count,
  overdue: false,
  needsContact: false,
  ...extra,
})

t.test('coverage adds the groups up by status and by state', async (t) => {
  const coverage = coverageOf([
    group('WA', 'draft', 2, { needsContact: true }),
    group('WA', 'draft', 1),
    group('WA', 'submitted', 3, { overdue: true }),
    group('WA', 'submitted', 1),
    group('TX', 'rejected', 2),
    group('TX', 'appealed', 1, { overdue: true }),
    group('TX', 'withdrawn', 1),
    group('OR', 'partially_fulfilled', 1),
  ])
  t.equal(coverage.targetCount, 12)
  t.equal(coverage.needsContact, 2)
  t.match(coverage.coverage, {
    draft: 3,
    submitted: 4,
    rejected: 2,
    appealed: 1,
    withdrawn: 1,
    partially_fulfilled: 1,
    fulfilled: 0,
    overdue: 4,
  })
  t.same(coverage.byState, [
    { state: 'OR', targets: 1, filed: 1, answered: 1, overdue: 0 },
    { state: 'TX', targets: 4, filed: 4, answered: 3, overdue: 1 },
    { state: 'WA', targets: 7, filed: 4, answered: 0, overdue: 3 },
  ])
  t.same(coverageOf([]).byState, [])
  t.equal(shareAnswered({ filed: 0, answered: 0 }), null)
  t.equal(shareAnswered({ filed: 4, answered: 3 }), 0.75)
})

t.test('pacing: one slot per letter, behind letters still queued, never before now or the asked start', async (t) => {
  const now = new Date('2026-12-02T12:00:00.000Z')
  const times = letterSendTimes(3, { requestedStart: now, now, lastQueued: null, perMinute: 20 })
  t.same(
    times.map((time) => time.toISOString()),
    ['2026-12-02T12:00:00.000Z', '2026-12-02T12:00:03.000Z', '2026-12-02T12:00:06.000Z'],
  )
  const behind = letterSendTimes(1, { requestedStart: now, now, lastQueued: new Date('2026-12-02T12:05:00.000Z'), perMinute: 20 })
  t.equal(behind[0]!.toISOString(), '2026-12-02T12:05:03.000Z', 'after the last queued letter, one gap on')
  const later = letterSendTimes(1, { requestedStart: new Date('2026-12-03T08:00:00.000Z'), now, lastQueued: null, perMinute: 20 })
  t.equal(later[0]!.toISOString(), '2026-12-03T08:00:00.000Z')
  const past = letterSendTimes(1, { requestedStart: new Date('2026-12-01T08:00:00.000Z'), now, lastQueued: null, perMinute: 0.5 })
  t.equal(past[0]!.toISOString(), now.toISOString(), 'a start in the past is now')
  t.equal(letterSendTimes(2, { requestedStart: now, now, lastQueued: null, perMinute: 0.5 })[1]!.getTime() - now.getTime(), 120_000)
})

t.test('CSV: quoted where needed, formulas defused', async (t) => {
  t.equal(csvCell(null), '')
  t.equal(csvCell(3), '3')
  t.equal(csvCell(true), 'true')
  t.equal(csvCell('Police, City of "X"'), '"Police, City of ""X"""')
  t.equal(csvCell('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`)
  t.equal(csvCell('-1'), "'-1")
  t.equal(csvCell('two\nlines'), '"two\nlines"')
  const csv = targetsCsv([])
  t.match(csv, /^state,agency,city,.*,request_url\r\n$/)
})

t.test('campaign page: map fills and labels, legend, status rows', async (t) => {
  const outlines = new Map([
    ['Washington', 'M0,0Z'],
    ['Texas', 'M1,1Z'],
    ['Oregon', 'M2,2Z'],
  ])
  const jurisdictions = [
    { code: 'OR', name: 'Oregon' },
    { code: 'TX', name: 'Texas' },
    { code: 'US', name: 'United States (federal)' },
    { code: 'WA', name: 'Washington' },
  ]
  const states = mapStates(
    {
      byState: [
        { state: 'TX', targets: 4, filed: 4, answered: 3, overdue: 0 },
        { state: 'WA', targets: 2, filed: 0, answered: 0, overdue: 0 },
      ],
    },
    jurisdictions,
    outlines,
  )
  t.same(states, [
    { code: 'OR', name: 'Oregon', path: 'M2,2Z', fill: '#e5e5e5', label: 'Oregon: no agencies in this campaign' },
    { code: 'TX', name: 'Texas', path: 'M1,1Z', fill: '#3182bd', label: 'Texas: 4 agencies, 3 of 4 filed answered (75%)' },
    { code: 'WA', name: 'Washington', path: 'M0,0Z', fill: '#ffffff', label: 'Washington: 2 agencies, none filed yet' },
  ])
  t.same(
    mapLegend().map((key) => key.label),
    [
      'No agencies in this campaign',
      'None filed yet',
      '0–19% answered',
      '20–39% answered',
      '40–59% answered',
      '60–79% answered',
      '80–100% answered',
    ],
  )
  const counts = coverageOf([group('WA', 'draft', 2), group('WA', 'submitted', 1, { overdue: true })]).coverage
  t.same(statusRows({ coverage: counts }), [
    { status: 'draft', label: 'draft', count: 2 },
    { status: 'submitted', label: 'submitted', count: 1 },
    { status: 'overdue', label: 'overdue', count: 1 },
  ])
})

t.test('the map has an outline for all 50 states and DC', async (t) => {
  const { stateOutlines } = await import('../../../src/web/us-map.js')
  const outlines = stateOutlines()
  t.ok(outlines.size >= 51)
  for (const name of ['Washington', 'Alaska', 'Hawaii', 'District of Columbia', 'Florida']) t.match(outlines.get(name), /^M[\d.,LMZ-]+Z$/)
})
