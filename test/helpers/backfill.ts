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
  const built = await buildTestApp(t, { env: { SMTP_URL: smtp.url, ...FAST, ...env } })
  const user = await signUp(built.app)
  const agencyId = await findAgencyId(built.app, 'state=WA&q=spokane%20police')
  const sql = built.ctx.database.sql
  /** Drafts for the agency, then one bulk submission dated `filedDaysAgo` days back. */
  const backfill = async (count: number, options: { via?: 'mail' | 'email'; filedDaysAgo?: number; autoFollowUp?: boolean } = {}) => {
    const createDraft = async () => {
      const draft = await built.app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: user.headers,
        payload: { agencyId, templateSlug: 'ring-partnership' },
      })
      const id = draft.json().id as string
      if (options.autoFollowUp)
        await built.app.inject({ method: 'PATCH', url: `/v1/requests/${id}`, headers: user.headers, payload: { autoFollowUp: true } })
      return id
    }
    const ids: string[] = []
    for (let start = 0; start < count; start += 10)
      ids.push(...(await Promise.all(Array.from({ length: Math.min(10, count - start) }, createDraft))))
    const submittedAt = new Date(Date.now() - (options.filedDaysAgo ?? 20) * DAY).toISOString()
    const submitted = await built.app.inject({
      method: 'POST',
      url: '/v1/requests/submit',
      headers: user.headers,
      payload: { ids, via: options.via ?? 'mail', submittedAt },
    })
    t.ok(submitted.statusCode < 300, `bulk submission accepted (${submitted.statusCode})`)
    return ids
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
  return { ...built, smtp, user, agencyId, sql, backfill, statusCounts, worker }
}
