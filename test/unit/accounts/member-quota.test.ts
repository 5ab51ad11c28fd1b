import t from 'tap'
import { checkQuota, DAY_MS } from '../../../src/modules/accounts/member-quota.js'

const now = new Date('2026-12-02T12:00:00.000Z')
const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000)

t.test('a call that fits what is left is allowed', async (t) => {
  t.same(
    checkQuota({ used: [ago(1), ago(30)], limit: 3 }, 2, now),
    { allowed: true, limit: 3, used: 1, left: 2 },
    'only the last 24 hours count',
  )
})

t.test('a call that does not fit waits until enough of the oldest entries leave the window', async (t) => {
  // Oldest first: 20 h, 10 h and 2 h ago; asking for 2 of 4 needs the 20-hours-ago entry gone.
  const verdict = checkQuota({ used: [ago(2), ago(20), ago(10)], limit: 4 }, 2, now)
  t.same(verdict, { allowed: false, limit: 4, used: 3, left: 1, retryAt: new Date(ago(20).getTime() + DAY_MS) })
  const three = checkQuota({ used: [ago(2), ago(20), ago(10)], limit: 4 }, 3, now)
  t.same(three, { allowed: false, limit: 4, used: 3, left: 1, retryAt: new Date(ago(10).getTime() + DAY_MS) })
})

t.test('a call larger than any limit never fits in one piece', async (t) => {
  t.same(checkQuota({ used: [], limit: 4 }, 5, now), { allowed: false, limit: 4, used: 0, left: 4, retryAt: null })
  t.same(checkQuota({ used: [], limit: 0 }, 1, now), { allowed: false, limit: 0, used: 0, left: 0, retryAt: null })
})

t.test('a new account has the lower limit until its probation ends', async (t) => {
  const probation = { until: new Date(now.getTime() + 3 * DAY_MS), limit: 2 }
  t.same(checkQuota({ used: [], limit: 10, probation }, 2, now), { allowed: true, limit: 2, used: 0, left: 2 })
  t.same(
    checkQuota({ used: [], limit: 10, probation }, 3, now),
    { allowed: false, limit: 2, used: 0, left: 2, retryAt: probation.until },
    'more than the probation allows waits for its end',
  )
  t.same(
    checkQuota({ used: [ago(1), ago(5)], limit: 10, probation }, 1, now),
    { allowed: false, limit: 2, used: 2, left: 0, retryAt: new Date(ago(5).getTime() + DAY_MS) },
    'an entry leaving the window comes before the end of probation',
  )
  t.same(checkQuota({ used: [], limit: 10, probation }, 11, now), { allowed: false, limit: 2, used: 0, left: 2, retryAt: null })
  t.same(
    checkQuota({ used: [ago(1)], limit: 3, probation: { until: ago(1), limit: 1 } }, 2, now),
    { allowed: true, limit: 3, used: 1, left: 2 },
    'over once it ended',
  )
})

t.test('entries dated after now still count (clocks a little apart)', async (t) => {
  const later = new Date(now.getTime() + 60_000)
  t.same(checkQuota({ used: [later], limit: 1 }, 1, now), {
    allowed: false,
    limit: 1,
    used: 1,
    left: 0,
    retryAt: new Date(later.getTime() + DAY_MS),
  })
})
