// Exactly-once delivery while the database connections of running workers are killed
// (pg_terminate_backend), and the driver fault such kills used to set off.

import { sql as drizzleSql } from 'drizzle-orm'
import postgres from 'postgres'
import t from 'tap'
import { retryOnConnectionLoss } from '../../src/db/retry.js'
import { setUpBackfill } from '../helpers/backfill.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const _DAY = 86_400_000
// Two workers, a hundred emails and the wait for leases: more than the default per-file limit on a busy machine.
t.setTimeout(300_000)
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** Counts each Message-ID that arrived more than once. */
function doubles(messageIds: readonly (string | undefined)[]): number {
  const seen = new Set<string | undefined>()
  let doubled = 0
  for (const id of messageIds) {
    if (seen.has(id)) doubled += 1
    seen.add(id)
  }
  return doubled
}

t.test('database connections killed while two workers send: every email arrives exactly once', async (t) => {
  const EMAILS = 100
  const { ctx, smtp, backfill, statusCounts, worker, config } = await setUpBackfill(t)
  // A little time on the wire per message, so the kills land while emails are in flight.
  smtp.setDataDelay(1_000)
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  t.teardown(() => admin.end())
  const database = new URL(config.databaseUrl).pathname.slice(1)

  // Every email due before the workers start, so the kills below land while they are sending.
  await backfill(EMAILS)
  const [child] = await Promise.all([worker({ WORKER_CONCURRENCY: '4' }), startTestWorker(t, ctx, smtp.url)])

  await smtp.waitFor(5, 20_000)
  let killed = 0
  let outAtFirstKill = 0
  for (let round = 0; round < 4; round += 1) {
    const rows = await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`
    if (round === 0) outAtFirstKill = smtp.messages.length
    killed += rows.length
    await new Promise((resolve) => setTimeout(resolve, 350))
  }
  t.ok(killed > 0, `killed ${killed} backends in 4 rounds`)
  t.ok(outAtFirstKill < EMAILS, `the kills came while sending (${outAtFirstKill} of ${EMAILS} out at the first)`)

  await smtp.waitFor(EMAILS, 60_000)
  await eventually(async () => (await statusCounts()).sent === EMAILS, 30_000, 'every row marked sent')
  // Long enough for a claim left by a kill to outlive its lease and be swept again.
  await new Promise((resolve) => setTimeout(resolve, 6_000))
  const ids = smtp.messages.map((mail) => mail.messageId)
  t.equal(doubles(ids), 0, 'no email twice')
  t.equal(new Set(ids).size, EMAILS, 'every email once')
  t.same(await statusCounts(), { sent: EMAILS }, 'every due row sent; none left scheduled or sending')
  t.equal(child.child.exitCode, null, 'the worker process is still running')
  t.notOk(
    child.logs.some((entry) => entry.level === 60),
    'and logged nothing fatal',
  )
})

t.test('a transaction whose connection is killed rejects and leaves the process and the pool working', async (t) => {
  const { ctx, sql } = await setUpBackfill(t)
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  t.teardown(() => admin.end())
  const transaction = ctx.db.transaction(async (tx) => tx.execute(drizzleSql`select pg_sleep(5)`))
  await eventually(
    async () => (await admin`select 1 from pg_stat_activity where query = 'select pg_sleep(5)'`).length > 0,
    5_000,
    'the transaction to run',
  )
  await admin`select pg_terminate_backend(pid) from pg_stat_activity where query = 'select pg_sleep(5)'`
  await t.rejects(transaction, 'the transaction fails with the connection')
  // Before the driver fix, the ROLLBACK written to the dead connection threw from a setImmediate here.
  await new Promise((resolve) => setTimeout(resolve, 200))
  // The reconnected connection may first repeat its old backend's 57P01 (porsager/postgres#1223):
  // transient, and retried as the worker retries it.
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      retryOnConnectionLoss(() => sql`select ${index}::int as n`, { attempts: 3, firstDelayMs: 50 }),
    ),
  )
  t.same(
    answers.map(([row]) => row!.n),
    Array.from({ length: 20 }, (_, index) => index),
    'every pooled connection answers',
  )
})
