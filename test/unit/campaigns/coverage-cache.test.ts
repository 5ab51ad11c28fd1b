import t from 'tap'
import { createCoverageCache } from '../../../src/modules/campaigns/coverage-cache.js'

const groups = [{ state: 'WA', status: 'draft' as const, overdue: false, needsContact: false, count: 3 }]

t.test('an entry serves its campaign and audience within the quarter hour it was counted in', async (t) => {
  const cache = createCoverageCache()
  const countedAt = new Date('2026-12-02T07:59:00.000Z')
  cache.set('campaign-1', 'public', countedAt, { groups, snapshot: '100:105:' })
  t.same(cache.get('campaign-1', 'public', new Date('2026-12-02T07:59:59.999Z')), { groups, snapshot: '100:105:' })
  t.equal(cache.get('campaign-1', 'admin', countedAt), undefined, 'another audience')
  t.equal(cache.get('campaign-2', 'public', countedAt), undefined, 'another campaign')
  // 08:00 UTC is midnight in Los Angeles: overdue counts may change.
  t.equal(cache.get('campaign-1', 'public', new Date('2026-12-02T08:00:00.000Z')), undefined, 'the next quarter hour')
  t.equal(cache.get('campaign-1', 'public', new Date('2026-12-02T07:44:59.999Z')), undefined, 'a clock set back')
})

t.test('the oldest entry leaves when the cache is full', async (t) => {
  const cache = createCoverageCache(2)
  const now = new Date('2026-12-02T12:00:00.000Z')
  cache.set('a', 'public', now, { groups, snapshot: '1:1:' })
  cache.set('b', 'public', now, { groups, snapshot: '1:1:' })
  cache.set('a', 'public', now, { groups, snapshot: '2:2:' })
  cache.set('c', 'public', now, { groups, snapshot: '3:3:' })
  t.equal(cache.get('b', 'public', now), undefined, 'b was the oldest once a was counted again')
  t.equal(cache.get('a', 'public', now)?.snapshot, '2:2:')
  t.equal(cache.get('c', 'public', now)?.snapshot, '3:3:')
})
