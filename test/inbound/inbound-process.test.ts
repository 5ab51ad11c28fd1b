// The listener as `npm run inbound` runs it: its own process, killed or stopped while a message
// is on the wire.
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import nodemailer from 'nodemailer'
import t, { type Test } from 'tap'
import { createInboundStore, REPLY_DOMAIN, rawMessage } from '../helpers/inbound.js'
import { spawnInboundProcess } from '../helpers/inbound-process.js'
import { openSmtpDialogue } from '../helpers/smtp-dialogue.js'

async function setUp(t: Test) {
  const store = await createInboundStore(t)
  const spawnListener = () =>
    spawnInboundProcess(t, {
      DATABASE_URL: store.config.databaseUrl,
      STORAGE_DIR: store.storageDir,
      REPLY_DOMAIN,
      QUEUE_PREFIX: store.config.queuePrefix,
    })
  /** Opens a transaction and sends the first half of the message's data. */
  const halfway = async (port: number, raw: string) => {
    const smtp = await openSmtpDialogue(port)
    t.teardown(() => smtp.close())
    t.equal((await smtp.reply()).code, 220)
    await smtp.command('EHLO mx.police.example.gov')
    await smtp.command('MAIL FROM:<clerk@police.example.gov>')
    await smtp.command(`RCPT TO:<request-1@${REPLY_DOMAIN}>`)
    t.equal((await smtp.command('DATA')).code, 354)
    smtp.write(raw.slice(0, raw.length / 2))
    // Long enough for the listener to be streaming the message into storage.
    await sleep(300)
    return smtp
  }
  return { ...store, spawnListener, halfway }
}

const raw = rawMessage({ body: 'The records you asked for are attached.\r\n'.repeat(2_000) })

t.test('a listener killed in the middle of DATA stored nothing; the sender’s retry is stored once', async (t) => {
  const { spawnListener, halfway, stored } = await setUp(t)
  const first = await spawnListener()
  const smtp = await halfway(first.smtpPort, raw)
  first.child.kill('SIGKILL')
  t.same(await first.exited, { code: null, signal: 'SIGKILL' })
  await smtp.closed
  t.same(await stored(), [], 'no partial message was kept')

  // The sending server never got its 250, so it sends the whole message again later.
  const second = await spawnListener()
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: second.smtpPort, secure: false, ignoreTLS: true })
  t.teardown(() => transport.close())
  const info = await transport.sendMail({ envelope: { from: 'clerk@police.example.gov', to: [`request-1@${REPLY_DOMAIN}`] }, raw })
  t.match(info.response, /^250/)
  const files = await stored()
  t.equal(files.length, 1, 'stored once')
  t.equal(files[0]!.toString('utf8'), raw)
})

t.test('SIGTERM lets the message in flight finish, refuses new connections, then exits 0', async (t) => {
  const { spawnListener, halfway, stored } = await setUp(t)
  const listener = await spawnListener()
  const smtp = await halfway(listener.smtpPort, raw)
  listener.child.kill('SIGTERM')
  await sleep(300)
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(listener.smtpPort, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
  t.ok(refused, 'no new connections once stopping')
  smtp.write(raw.slice(raw.length / 2))
  const accepted = await smtp.command('.')
  t.equal(accepted.code, 250, 'the message in flight is accepted')
  t.equal((await smtp.command('QUIT')).code >= 200, true)
  t.same(await listener.exited, { code: 0, signal: null }, 'exit code 0')
  const files = await stored()
  t.equal(files.length, 1)
  t.equal(files[0]!.toString('utf8'), raw)
  t.ok(listener.logs.some((entry) => entry.msg === 'shutting down'))
})
