// Many requests filed long ago, so their emails are due at once, and workers to send them: the
// setting of the delivery fault tests (connection kills, failed jobs, killed workers, ordering).
import type { Test } from 'tap'
import { buildTestApp, findAgencyId, signUp } from './app.js'
import { startSmtpCapture } from './smtp-capture.js'
import { spawnWorkerProcess } from './worker-process.js'

const DAY = 86_400_000

export const FAST = {
  SWEEP_INTERVAL_SECONDS: '1',
  DELIVERY_RETRY_BASE_SECONDS: '0.2',
  DELIVERY_MAX_ATTEMPTS: '8',
  DELIVERY_LEASE_SECONDS: '5',
}

export async function setUpBackfill(t: Test, env: Record<string, string> = {}) {
  const smtp = await startSmtpCapture()
  t.teardown(() => smtp.close())
  // A requester per request: up to a hundred accounts made at once from one address.
  const built = await buildTestApp(t, {
    env: { SMTP_URL: smtp.url, RATE_LIMIT_SIGNUP_PER_IP: 'off', RATE_LIMIT_SIGNUP_PER_USER: 'off', ...FAST, ...env },
  })
  await signUp(built.app) // the first account, an admin: signUp makes the requesters through it
  const agencyId = await findAgencyId(built.app, 'state=WA&q=spokane%20police')
  const sql = built.ctx.database.sql
  /**
   * Drafts for the agency, each by a requester of its own (so each due reminder is an email of its
   * own, not a line of one requester's daily digest), filed `filedDaysAgo` days back.
   */
  const backfill = async (count: number, options: { via?: 'mail' | 'email'; filedDaysAgo?: number; autoFollowUp?: boolean } = {}) => {
    const submittedAt = new Date(Date.now() - (options.filedDaysAgo ?? 20) * DAY).toISOString()
    const fileOne = async () => {
      const requester = await signUp(built.app)
      const draft = await built.app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: requester.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
      const id = draft.json().id as string
      if (options.autoFollowUp)
        await built.app.inject({ method: 'PATCH', url: `/v1/requests/${id}`, headers: requester.headers, payload: { autoFollowUp: true } })
      const submitted = await built.app.inject({
        method: 'POST',
        url: '/v1/requests/submit',
        headers: requester.headers,
        payload: { ids: [id], via: options.via ?? 'mail', submittedAt },
      })
      return { id, accepted: submitted.statusCode < 300 }
    }
    const filed: { id: string; accepted: boolean }[] = []
    for (let start = 0; start < count; start += 10)
      filed.push(...(await Promise.all(Array.from({ length: Math.min(10, count - start) }, fileOne))))
    t.ok(
      filed.every((one) => one.accepted),
      `every submission accepted (${filed.filter((one) => one.accepted).length} of ${count})`,
    )
    return filed.map((one) => one.id)
  }
  const statusCounts = async () => {
    const rows = (await sql`select status, count(*)::int as n from deliveries where send_at <= now() group by status`) as unknown as {
      status: string
      n: number
    }[]
    return Object.fromEntries(rows.map((row) => [row.status, row.n])) as Record<string, number>
  }
  const worker = (workerEnv: Record<string, string> = {}) =>
    spawnWorkerProcess(t, built.config, { SMTP_URL: smtp.url, ...FAST, ...env, ...workerEnv })
  return { ...built, smtp, agencyId, sql, backfill, statusCounts, worker }
}
