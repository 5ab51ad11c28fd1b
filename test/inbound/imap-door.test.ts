// The IMAP front door against a real Dovecot of the test's own: messages appended to the catch-all
// mailbox are stored once each and moved to the processed folder, whatever stops the poller.
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { findImapCheckpoint } from '../../src/modules/correspondence/imap-checkpoints.repository.js'
import { startImapDoor } from '../../src/modules/correspondence/imap-door.js'
import { dovecotMissing, startDovecot } from '../helpers/dovecot.js'
import { createInboundStore, rawMessage } from '../helpers/inbound.js'
import { spawnInboundProcess } from '../helpers/inbound-process.js'
import { startTcpGate } from '../helpers/tcp-gate.js'

if (dovecotMissing) t.plan(0, dovecotMissing)

/** Checks `done` every 100 ms until it holds; fails the wait after timeoutMs. */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await sleep(100)
  }
}

async function setUp(t: Test, options: { mailbox?: string; env?: Record<string, string> } = {}) {
  const dovecot = await startDovecot(t)
  const mailbox = options.mailbox ?? 'INBOX'
  const store = await createInboundStore(t, { IMAP_URL: dovecot.url(mailbox), IMAP_POLL_SECONDS: '60', ...options.env })
  const connection = store.ctx.database
  const settings = store.config.inbound.imap!
  const look = await dovecot.client()
  const start = (port = dovecot.port) => {
    const door = startImapDoor({
      accept: store.accept,
      db: connection.db,
      logger: pino({ level: 'silent' }),
      settings: { ...settings, port },
      maxBytes: store.config.inbound.maxBytes,
      retryBaseMs: 100,
      retryMaxMs: 400,
    })
    t.teardown(() => door.close())
    return door
  }
  /** UIDs in a mailbox, via a STATUS that does not disturb the test client's selection. */
  const count = async (path: string) => {
    const status = await look.status(path, { messages: true }).catch(() => false as const)
    return status ? (status.messages ?? -1) : -1
  }
  const checkpoint = () => findImapCheckpoint(connection.db, `${dovecot.user}@127.0.0.1:${dovecot.port}`, mailbox)
  return { ...store, dovecot, connection, look, start, count, checkpoint, mailbox }
}

t.test('each message appended to the mailbox is stored once and moved to Processed, also one that arrives while idle', async (t) => {
  const { look, start, count, stored, calls, checkpoint } = await setUp(t)
  const sent = [rawMessage({ subject: 'one' }), rawMessage({ subject: 'two' }), rawMessage({ subject: 'three' })]
  for (const raw of sent) await look.append('INBOX', raw)
  start()
  await until('three are stored and moved', async () => (await count('Processed')) === 3 && (await count('INBOX')) === 0)
  // IMAP_POLL_SECONDS is 60: only IDLE can bring this one in within the wait.
  await sleep(1_500)
  sent.push(rawMessage({ subject: 'four, while idle' }))
  await look.append('INBOX', sent[3]!)
  await until('the fourth is moved', async () => (await count('Processed')) === 4, 10_000)
  const files = (await stored()).map((file) => file.toString('utf8')).sort()
  t.same(files, [...sent].sort(), 'the bytes as appended, each once')
  t.equal(calls.length, 4)
  t.ok(calls.every((call) => call.result?.duplicate === false && call.envelope.via === 'imap'))
  // The checkpoint is written just after each move.
  await until('the checkpoint passes the fourth', async () => (await checkpoint())?.lastUid === 4)
})

t.test('while storing fails the poller retries, never skips, and moves nothing', async (t) => {
  const { look, start, count, stored, storageDir, calls } = await setUp(t)
  await writeFile(join(storageDir, 'staging'), 'in the way')
  await look.append('INBOX', rawMessage({ subject: 'first' }))
  await look.append('INBOX', rawMessage({ subject: 'second' }))
  start()
  await until('it has failed a few times', async () => calls.filter((call) => call.error).length >= 3)
  t.equal(await count('INBOX'), 2, 'both still in the mailbox')
  t.equal(await count('Processed'), 0)
  t.ok(
    calls.every((call) => call.error),
    'the first message every time: the second is not taken past it',
  )
  await rm(join(storageDir, 'staging'))
  await until('both are moved', async () => (await count('Processed')) === 2)
  t.equal((await stored()).length, 2)
})

t.test('a message over the size limit is left in the mailbox and the next one is taken', async (t) => {
  const { look, start, count, stored } = await setUp(t, { env: { INBOUND_MAX_BYTES: '2048' } })
  await look.append('INBOX', rawMessage({ subject: 'large', body: 'z'.repeat(4096) }))
  const small = rawMessage({ subject: 'small' })
  await look.append('INBOX', small)
  start()
  // A MOVE is a copy then an expunge, which another connection may see one after the other.
  await until(
    'the small one is moved; the large one stays for a person to see',
    async () => (await count('Processed')) === 1 && (await count('INBOX')) === 1,
  )
  t.same(
    (await stored()).map((file) => file.toString('utf8')),
    [small],
  )
})

t.test('a new UIDVALIDITY starts the mailbox over: a message under an old UID is not skipped', async (t) => {
  const { look, start, count, stored, checkpoint } = await setUp(t, { mailbox: 'Catchall' })
  await look.mailboxCreate('Catchall')
  await look.append('Catchall', rawMessage({ subject: 'one' }))
  await look.append('Catchall', rawMessage({ subject: 'two' }))
  const first = start()
  await until('both are moved', async () => (await count('Processed')) === 2)
  await first.close()
  const before = await checkpoint()
  t.match(before, { lastUid: 2 })

  // The server renumbers the mailbox: a mailbox made again has a new UIDVALIDITY and starts at UID 1.
  await look.mailboxDelete('Catchall')
  await look.mailboxCreate('Catchall')
  const renumbered = rawMessage({ subject: 'after the renumbering' })
  await look.append('Catchall', renumbered)
  start()
  await until('the new message is moved', async () => (await count('Processed')) === 3)
  await until('the checkpoint passes it', async () => (await checkpoint())?.lastUid === 1)
  const after = await checkpoint()
  t.not(after?.uidValidity, before?.uidValidity, 'the new UIDVALIDITY is recorded')
  t.ok((await stored()).some((file) => file.toString('utf8') === renumbered))
})

t.test('a lost connection is opened again after a backoff, and mail keeps coming in', async (t) => {
  const { look, start, count, dovecot, stored } = await setUp(t)
  const gate = await startTcpGate(t, { host: '127.0.0.1', port: dovecot.port }, null)
  start(gate.port)
  await look.append('INBOX', rawMessage({ subject: 'before the cut' }))
  await until('the first is moved', async () => (await count('Processed')) === 1)
  gate.cut()
  await look.append('INBOX', rawMessage({ subject: 'after the cut' }))
  await until('the second is moved over a new connection', async () => (await count('Processed')) === 2)
  t.equal((await stored()).length, 2)
})

t.test('a poller killed between storing and moving takes the message once after its restart', async (t) => {
  const { look, start, count, stored, calls, dovecot, config, storageDir } = await setUp(t)
  const raw = rawMessage({ subject: 'stored, not moved' })
  await look.append('INBOX', raw)
  // The poller's connection passes through a gate that holds its MOVE: it has stored the message
  // and is about to move it when it is killed.
  const gate = await startTcpGate(t, { host: '127.0.0.1', port: dovecot.port }, /UID MOVE/i)
  const child = await spawnInboundProcess(t, {
    DATABASE_URL: config.databaseUrl,
    STORAGE_DIR: storageDir,
    QUEUE_PREFIX: config.queuePrefix,
    IMAP_URL: dovecot.url().replace(`:${dovecot.port}/`, `:${gate.port}/`),
  })
  await gate.held
  t.equal((await stored()).length, 1, 'stored before the move')
  child.child.kill('SIGKILL')
  t.same(await child.exited, { code: null, signal: 'SIGKILL' })
  t.equal(await count('INBOX'), 1, 'still in the mailbox')

  start()
  await until('it is moved', async () => (await count('Processed')) === 1 && (await count('INBOX')) === 0)
  const files = await stored()
  t.equal(files.length, 1, 'stored once')
  t.equal(files[0]!.toString('utf8'), raw)
  t.same(
    calls.map((call) => call.result?.duplicate),
    [true],
    'the restarted poller is told the bytes were stored already',
  )
})

t.test('close() waits for the message in hand and logs out', async (t) => {
  const { look, start, count } = await setUp(t)
  const door = start()
  await look.append('INBOX', rawMessage())
  await until('it is moved', async () => (await count('Processed')) === 1)
  const started = Date.now()
  await door.close()
  t.ok(Date.now() - started < 5_000, 'an idle poller closes at once')
})
