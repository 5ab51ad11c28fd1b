// The SMTP front door over real SMTP: nodemailer (and a raw client where nodemailer is too polite)
// against the listener, with the real acceptor storing the bytes on disk.
import { execFileSync } from 'node:child_process'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { createSmtpDoor } from '../../src/modules/correspondence/smtp-door.js'
import { createInboundStore, REPLY_DOMAIN, rawMessage } from '../helpers/inbound.js'
import { openSmtpDialogue } from '../helpers/smtp-dialogue.js'

async function setUp(t: Test, options: { env?: Record<string, string>; tls?: { cert: Buffer; key: Buffer } } = {}) {
  const store = await createInboundStore(t, options.env)
  const door = createSmtpDoor({
    accept: store.accept,
    logger: pino({ level: 'silent' }),
    replyDomain: REPLY_DOMAIN,
    maxBytes: store.config.inbound.maxBytes,
    maxClients: 10,
    tls: options.tls ?? null,
    closeTimeoutMs: 1_000,
  })
  const { port } = await door.listen(0, '127.0.0.1')
  t.teardown(() => door.close())
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: !options.tls,
    tls: { rejectUnauthorized: false },
  })
  t.teardown(() => transport.close())
  const send = (raw: string, to: string[], from = 'clerk@police.example.gov') => transport.sendMail({ envelope: { from, to }, raw })
  return { ...store, door, port, send }
}

t.test('any address at REPLY_DOMAIN is accepted, in any case, and the bytes are stored as sent', async (t) => {
  const { send, stored, calls } = await setUp(t)
  const raw = rawMessage({ to: 'Request-Typo@Replies.Records.Test' })
  const info = await send(raw, ['Request-Typo@Replies.Records.Test', `someone-else@${REPLY_DOMAIN}`])
  t.match(info.response, /^250 2\.0\.0 Message accepted/)
  t.same(info.accepted.length, 2)
  const files = await stored()
  t.equal(files.length, 1, 'one message stored')
  t.equal(files[0]!.toString('utf8'), raw, 'byte for byte what was sent')
  t.same(calls[0]!.envelope, {
    via: 'smtp',
    mailFrom: 'clerk@police.example.gov',
    // smtp-server writes the domain in lower case; the local part stays as it came.
    rcptTo: ['Request-Typo@replies.records.test', `someone-else@${REPLY_DOMAIN}`],
    remoteAddress: '127.0.0.1',
  })
})

t.test('the null sender of a bounce is accepted and recorded as null', async (t) => {
  const { port, stored, calls } = await setUp(t)
  const smtp = await openSmtpDialogue(port)
  t.teardown(() => smtp.close())
  t.equal((await smtp.reply()).code, 220)
  t.equal((await smtp.command('EHLO mx.example.net')).code, 250)
  t.equal((await smtp.command('MAIL FROM:<>')).code, 250)
  t.equal((await smtp.command(`RCPT TO:<request-1@${REPLY_DOMAIN}>`)).code, 250)
  t.equal((await smtp.command('DATA')).code, 354)
  t.equal((await smtp.command(`${rawMessage()}.`)).code, 250)
  t.equal((await stored()).length, 1)
  t.equal(calls[0]!.envelope.mailFrom, null)
})

t.test('another domain is refused at RCPT with 550 5.7.1: never a relay', async (t) => {
  const { send, stored, port } = await setUp(t)
  for (const to of ['someone@example.com', `request-1@evil.${REPLY_DOMAIN}`, `request-1@${REPLY_DOMAIN}.evil.example`]) {
    const error = await send(rawMessage({ to }), [to]).then(
      () => null,
      (caught: { responseCode?: number; command?: string }) => caught,
    )
    t.equal(error?.responseCode, 550, `${to} refused`)
    t.equal(error?.command, 'RCPT TO', 'at RCPT')
  }
  const smtp = await openSmtpDialogue(port)
  t.teardown(() => smtp.close())
  await smtp.reply()
  await smtp.command('EHLO mx.example.net')
  await smtp.command('MAIL FROM:<spammer@example.net>')
  const refused = await smtp.command('RCPT TO:<victim@example.com>')
  t.equal(refused.code, 550)
  t.match(refused.text, /^550 5\.7\.1 Relaying denied/)
  t.equal((await smtp.command('DATA')).code, 503, 'no recipient, no data')
  t.same(await stored(), [], 'nothing stored')
})

t.test('a message with one good and one foreign recipient is stored once, for the good one', async (t) => {
  const { send, stored, calls } = await setUp(t)
  const info = await send(rawMessage(), [`request-1@${REPLY_DOMAIN}`, 'other@example.com'])
  t.same(info.accepted, [`request-1@${REPLY_DOMAIN}`])
  t.same(info.rejected, ['other@example.com'])
  t.equal((await stored()).length, 1)
  t.same(calls[0]!.envelope.rcptTo, [`request-1@${REPLY_DOMAIN}`])
})

t.test('an oversized message is refused with 552, announced or not, and nothing is kept', async (t) => {
  const { send, stored, port, storageDir } = await setUp(t, { env: { INBOUND_MAX_BYTES: '4096' } })
  const big = rawMessage({ body: 'x'.repeat(76).concat('\r\n').repeat(100) })
  const announced = await send(big, [`request-1@${REPLY_DOMAIN}`]).then(
    () => null,
    (caught: { responseCode?: number }) => caught,
  )
  t.equal(announced?.responseCode, 552, 'nodemailer announces SIZE; refused at MAIL FROM')

  const smtp = await openSmtpDialogue(port)
  t.teardown(() => smtp.close())
  await smtp.reply()
  t.match((await smtp.command('EHLO mx.example.net')).text, /SIZE 4096/)
  await smtp.command('MAIL FROM:<clerk@police.example.gov>')
  await smtp.command(`RCPT TO:<request-1@${REPLY_DOMAIN}>`)
  t.equal((await smtp.command('DATA')).code, 354)
  const refused = await smtp.command(`${big}.`)
  t.equal(refused.code, 552)
  t.match(refused.text, /^552 5\.3\.4 Message exceeds the size limit of 4096 bytes/)
  t.equal((await smtp.command('NOOP')).code, 250, 'the connection goes on')
  t.same(await stored(), [])
  t.same(await readdir(join(storageDir, 'staging')).catch(() => []), [], 'no partial file left')
  const small = await send(rawMessage(), [`request-1@${REPLY_DOMAIN}`])
  t.match(small.response, /^250/, 'a message within the limit still goes through')
})

t.test('when storing fails the answer is 451, and the sender’s retry is accepted', async (t) => {
  const { send, stored, storageDir, calls } = await setUp(t)
  // The staging directory cannot be made: a file is in its way, so the acceptor fails.
  await writeFile(join(storageDir, 'staging'), 'in the way')
  const raw = rawMessage()
  const error = await send(raw, [`request-1@${REPLY_DOMAIN}`]).then(
    () => null,
    (caught: { responseCode?: number; response?: string }) => caught,
  )
  t.equal(error?.responseCode, 451)
  t.match(error?.response, /^451 4\.3\.0 /)
  t.ok(calls[0]!.error, 'the acceptor failed')
  t.same(await stored(), [], 'nothing claimed to be stored')

  await rm(join(storageDir, 'staging'))
  await mkdir(join(storageDir, 'staging'))
  const info = await send(raw, [`request-1@${REPLY_DOMAIN}`])
  t.match(info.response, /^250/)
  const files = await stored()
  t.equal(files.length, 1)
  t.equal(files[0]!.toString('utf8'), raw)
  t.equal(calls[1]!.result?.duplicate, false)
})

t.test('the same message delivered twice is stored once; the acceptor says it is a duplicate', async (t) => {
  const { send, stored, calls } = await setUp(t)
  const raw = rawMessage()
  await send(raw, [`request-1@${REPLY_DOMAIN}`])
  await send(raw, [`request-1@${REPLY_DOMAIN}`])
  t.equal((await stored()).length, 1)
  t.same(
    calls.map((call) => call.result?.duplicate),
    [false, true],
  )
})

t.test('without a certificate STARTTLS is not offered, nor AUTH', async (t) => {
  const { port } = await setUp(t)
  const smtp = await openSmtpDialogue(port)
  t.teardown(() => smtp.close())
  await smtp.reply()
  const ehlo = await smtp.command('EHLO mx.example.net')
  t.notMatch(ehlo.text, /STARTTLS/)
  t.notMatch(ehlo.text, /AUTH/)
  t.equal((await smtp.command('STARTTLS')).code, 500)
  t.equal((await smtp.command('AUTH PLAIN AGFkbWluAHNlY3JldA==')).code, 500)
})

const openssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

t.test(
  'with a certificate, STARTTLS is offered and mail arrives over TLS',
  { skip: openssl ? false : 'openssl is not installed' },
  async (t) => {
    const dir = t.testdirName
    await mkdir(dir, { recursive: true })
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=mx.records.test',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: 'ignore' },
    )
    const { readFile } = await import('node:fs/promises')
    const tls = { cert: await readFile(join(dir, 'cert.pem')), key: await readFile(join(dir, 'key.pem')) }
    const { port, stored } = await setUp(t, { tls })
    const smtp = await openSmtpDialogue(port)
    t.teardown(() => smtp.close())
    await smtp.reply()
    t.match((await smtp.command('EHLO mx.example.net')).text, /STARTTLS/)
    smtp.close()

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
    })
    t.teardown(() => transport.close())
    const raw = rawMessage()
    const info = await transport.sendMail({ envelope: { from: 'clerk@police.example.gov', to: [`request-1@${REPLY_DOMAIN}`] }, raw })
    t.match(info.response, /^250/)
    t.equal((await stored())[0]?.toString('utf8'), raw)
  },
)

t.test('hostile input gets SMTP errors, never a crash', async (t) => {
  const { port, send, stored } = await setUp(t)

  t.test('8-bit headers are taken and kept byte for byte', async (t) => {
    const before = (await stored()).length
    const smtp = await openSmtpDialogue(port)
    t.teardown(() => smtp.close())
    await smtp.reply()
    await smtp.command('EHLO mx.example.net')
    await smtp.command('MAIL FROM:<clerk@police.example.gov>')
    await smtp.command(`RCPT TO:<request-1@${REPLY_DOMAIN}>`)
    await smtp.command('DATA')
    const raw = Buffer.concat([
      Buffer.from('From: =?utf-8?q?x?= <clerk@police.example.gov>\r\nSubject: Caf'),
      Buffer.from([0xe9, 0xff, 0x00, 0x80]),
      Buffer.from(' r\u00e9ponse\r\n\r\nBody\r\n'),
    ])
    smtp.write(raw)
    t.equal((await smtp.command('.')).code, 250)
    const files = await stored()
    t.equal(files.length, before + 1)
    t.ok(
      files.some((file) => file.equals(raw)),
      'the bytes as they came',
    )
  })

  t.test('a command line far over the limit is refused and the server goes on', async (t) => {
    const smtp = await openSmtpDialogue(port)
    t.teardown(() => smtp.close())
    await smtp.reply()
    smtp.write(`EHLO ${'a'.repeat(100_000)}\r\n`)
    const reply = await smtp.reply()
    t.ok(reply.code >= 400, `refused with ${reply.code}`)
    await Promise.race([smtp.closed, smtp.command('NOOP').catch(() => undefined)])
    const info = await send(rawMessage(), [`request-1@${REPLY_DOMAIN}`])
    t.match(info.response, /^250/, 'the next sender is served')
  })

  t.test('a message of one megabyte-long line is stored as it came', async (t) => {
    const raw = `Subject: long\r\n\r\n${'y'.repeat(1024 * 1024)}\r\n`
    const info = await send(raw, [`request-1@${REPLY_DOMAIN}`])
    t.match(info.response, /^250/)
    t.ok((await stored()).some((file) => file.toString('latin1') === raw))
  })

  t.test('pipelined garbage gets 5xx replies, then the connection is closed', async (t) => {
    const smtp = await openSmtpDialogue(port)
    t.teardown(() => smtp.close())
    await smtp.reply()
    smtp.write(`EHLO x\r\n${'GARBAGE \u0000\u00ff\r\n'.repeat(12)}MAIL FROM:<a@b>\r\nRCPT TO:<x@example.com>\r\nDATA\r\n`)
    const codes: number[] = []
    for (let i = 0; i < 11; i += 1) {
      const reply = await smtp.reply().catch(() => null)
      if (!reply) break
      codes.push(reply.code)
    }
    t.equal(codes[0], 250, 'EHLO answered')
    t.ok(
      codes.slice(1).every((code) => code >= 500 || code === 421),
      `only errors after it: ${codes.join(',')}`,
    )
    t.ok(codes.includes(421), 'too many unrecognized commands close the connection')
    await smtp.closed
    const info = await send(rawMessage(), [`request-1@${REPLY_DOMAIN}`])
    t.match(info.response, /^250/, 'the server still serves others')
  })

  t.test('an HTTP request sent to the SMTP port is refused', async (t) => {
    const smtp = await openSmtpDialogue(port)
    t.teardown(() => smtp.close())
    await smtp.reply()
    const reply = await smtp.command('POST /v1/inbound/messages HTTP/1.1')
    t.equal(reply.code, 421)
  })
})
