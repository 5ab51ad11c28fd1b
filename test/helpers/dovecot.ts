// A real Dovecot IMAP server of the test's own: its configuration, mail and sockets live in a
// temporary directory, it listens on a free port of 127.0.0.1, and it is stopped with the test.
// Needs Debian's dovecot-imapd (bash .ci/run installs it); without it the tests skip, saying why.
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, connect as netConnect } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ImapFlow } from 'imapflow'

interface Teardown {
  teardown(fn: () => unknown): void
}

const DOVECOT = process.env.DOVECOT_BINARY ?? 'dovecot'

/** Why the Dovecot tests cannot run here, or false when they can. */
export const dovecotMissing: string | false = (() => {
  try {
    execFileSync(DOVECOT, ['--version'], { stdio: 'ignore' })
    return false
  } catch {
    return 'dovecot is not installed (Debian: apt-get install dovecot-imapd)'
  }
})()

export interface Dovecot {
  host: string
  port: number
  user: string
  password: string
  /** imap://user:password@127.0.0.1:port/<mailbox> */
  url(mailbox?: string): string
  /** A logged-in client for the test's own look at the mailboxes; logged out with the test. */
  client(): Promise<ImapFlow>
  /** The server's log so far, for a failing test's message. */
  log(): Promise<string>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function idOf(name: string, flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim())
}

export async function startDovecot(t: Teardown): Promise<Dovecot> {
  // Short: Dovecot's unix sockets live under it, and socket paths are limited to about 100 bytes.
  const dir = await mkdtemp(join(tmpdir(), 'rr-dc-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  // Dovecot's login processes run as another user and must reach the sockets.
  await chmod(dir, 0o755)
  const root = process.getuid?.() === 0
  // Dovecot never gives mail access to UID 0, so as root the mail belongs to nobody; otherwise to us.
  const mailUid = root ? idOf('nobody', '-u') : (process.getuid?.() ?? 0)
  const mailGid = root ? idOf('nobody', '-g') : (process.getgid?.() ?? 0)
  const home = join(dir, 'home')
  await mkdir(home)
  if (root) await chown(home, mailUid, mailGid)
  const port = await freePort()
  const user = 'catchall'
  const password = 'secret-imap-password'
  const me = userInfo().username
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = ${Math.min(mailUid, 1)}
first_valid_gid = 0
${root ? '' : `default_login_user = ${me}\ndefault_internal_user = ${me}`}
mail_location = maildir:~/Maildir
passdb {
  driver = static
  args = password=${password}
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${home}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
namespace inbox {
  inbox = yes
  separator = /
}
`
  const configPath = join(dir, 'dovecot.conf')
  await writeFile(configPath, config)
  const child = spawn(DOVECOT, ['-F', '-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = once(child, 'exit')
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)])
    if (!done) {
      child.kill('SIGKILL')
      await exited
    }
  }
  t.teardown(stop)
  const log = async () => `${stderr}${await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '')}`

  // Up once the IMAP port answers with a greeting; bounded to 15 s.
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited at start:\n${await log()}`)
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = netConnect(port, '127.0.0.1')
      socket.once('data', (data) => {
        socket.destroy()
        resolve(data.toString().startsWith('* OK'))
      })
      socket.once('error', () => resolve(false))
    })
    if (greeted) break
    if (Date.now() > deadline) throw new Error(`dovecot did not answer on port ${port}:\n${await log()}`)
    await sleep(100)
  }

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url: (mailbox = 'INBOX') => `imap://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(mailbox)}`,
    async client() {
      const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false })
      client.on('error', () => {})
      await client.connect()
      t.teardown(() => client.logout().catch(() => client.close()))
      return client
    },
    log,
    stop,
  }
}
