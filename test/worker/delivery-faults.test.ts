// Exactly-once delivery under faults: a deliver job that failed, a worker SIGKILLed after SMTP
// accepted but before the database knew; and the order of emails to an agency.
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import t from 'tap'
import { setUpBackfill } from '../helpers/backfill.js'
import { eventually, startTestWorker } from '../helpers/worker.js'

const _DAY = 86_400_000
// Two worker processes start here; on a busy machine that alone takes a good part of the default limit.
t.setTimeout(300_000)

t.test('a deliver job that failed is queued again by the sweep and its email sent', async (t) => {
  const { ctx, smtp, sql, backfill, statusCounts } = await setUpBackfill(t)
  // Any claim (scheduled → sending) fails, as a broken database would make it.
  await sql.unsafe(`
    create function refuse_claims() returns trigger language plpgsql as $$
    begin raise exception 'claims refused for this test'; end $$;
    create trigger refuse_claims before update on deliveries for each row when (new.status = 'sending') execute function refuse_claims();`)
  await startTestWorker(t, ctx, smtp.url)
  await backfill(1)
  const queueConnection = new Redis(ctx.config.redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue('deliveries', { connection: queueConnection, prefix: ctx.config.queuePrefix })
  t.teardown(async () => {
    await queue.close()
    queueConnection.disconnect()
  })
  await new Promise((resolve) => setTimeout(resolve, 2_500))
  t.same(await statusCounts(), { scheduled: 1 }, 'the claim failed: still scheduled')
  t.equal(smtp.messages.length, 0)
  t.equal(await queue.getFailedCount(), 0, 'no failed job keeps its id from the sweep')

  await sql.unsafe('drop trigger refuse_claims on deliveries; drop function refuse_claims()')
  await smtp.waitFor(1, 15_000)
  await eventually(async () => (await statusCounts()).sent === 1, 10_000, 'the row marked sent')
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  t.equal(smtp.messages.length, 1, 'sent once')
})

t.test('a worker SIGKILLed after SMTP accepted but before the database knew: the next worker does not send again', async (t) => {
  const { smtp, sql, backfill, statusCounts, worker } = await setUpBackfill(t, { DELIVERY_LEASE_SECONDS: '2' })
  smtp.setDataDelay(1_000)
  const first = await worker()
  await backfill(1)
  await smtp.waitForHeld(20_000)
  // Hold the row so that the worker's "mark sent" waits, as if the database were slow to answer.
  const lock = await sql.reserve()
  t.teardown(() => lock.release())
  await lock`begin`
  const [row] = await lock`select id, status from deliveries where status = 'sending' for update`
  t.equal(row?.status, 'sending', 'claimed while the message is on the wire')
  await smtp.waitFor(1, 10_000)
  await eventually(
    async () =>
      (await sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'update "deliveries"%'`).length > 0,
    10_000,
    'the worker to wait on its "mark sent"',
  )
  first.child.kill('SIGKILL')
  t.same(await first.exited, { code: null, signal: 'SIGKILL' })
  // Its backend would still carry out the waiting UPDATE; the dead worker's write never arrived.
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'update "deliveries"%'`
  await lock`rollback`
  t.same(await statusCounts(), { sending: 1 }, 'the database never heard the email was sent')

  smtp.setDataDelay(0)
  await worker()
  await eventually(async () => (await statusCounts()).sent === 1, 20_000, 'the next worker to settle the row')
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  t.equal(smtp.messages.length, 1, 'the email went out once')
  // Settled from the journal, by the new worker's sweep or by its claim after the lease: never resent.
  const [sent] = await sql`select status, attempts from deliveries where id = ${row!.id}`
  t.equal(sent!.status, 'sent')
  t.ok(sent!.attempts <= 2, 'no attempt beyond the one that reclaimed it')
})

t.test('a backfilled request filed by email: the agency gets the letter before the follow-up', async (t) => {
  const { ctx, smtp, sql, backfill, statusCounts, agencyId } = await setUpBackfill(t)
  await sql`update agencies set email = 'records@spokane.example', approved_email = 'records@spokane.example' where id = ${agencyId}`
  const REQUESTS = 6
  await backfill(REQUESTS, { via: 'email', autoFollowUp: true })
  const toAgency =
    (await sql`select kind, count(*)::int as n from deliveries where recipient = 'agency' and send_at <= now() group by kind order by kind`) as unknown as {
      kind: string
      n: number
    }[]
  t.same(
    toAgency.map((entry) => [entry.kind, entry.n]),
    [
      ['letter', REQUESTS],
      ['overdue', REQUESTS],
    ],
    'a letter and an overdue follow-up to the agency are due at once for each request',
  )
  await startTestWorker(t, ctx, smtp.url)
  await startTestWorker(t, ctx, smtp.url)
  // Per request: the letter, the agency's follow-up, the requester's overdue reminder, and the requester's copies of the first two.
  await smtp.waitFor(REQUESTS * 5, 30_000)
  await eventually(async () => (await statusCounts()).sent === REQUESTS * 5, 10_000, 'every row sent')
  const order = await sql`select request_id, kind, id from deliveries where recipient = 'agency' and status = 'sent'`
  const position = new Map(smtp.messages.map((mail, index) => [mail.messageId, index]))
  const at = (id: string) => position.get(`<delivery-${id}@${ctx.config.replyDomain}>`)!
  let inOrder = 0
  for (const letter of order.filter((entry) => entry.kind === 'letter')) {
    const followUp = order.find((entry) => entry.kind === 'overdue' && entry.request_id === letter.request_id)!
    if (at(letter.id) < at(followUp.id)) inOrder += 1
  }
  t.equal(inOrder, REQUESTS, 'every letter arrived before its follow-up')
})
