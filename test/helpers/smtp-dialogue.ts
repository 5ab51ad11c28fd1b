// A raw SMTP client for what nodemailer will not do: stop in the middle of DATA, send garbage,
// leave out SIZE. Reads the server's replies line by line.
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'

export interface SmtpReply {
  code: number
  /** Every line of the reply, codes included. */
  text: string
}

export interface SmtpDialogue {
  socket: Socket
  /** The next complete reply (multi-line replies joined); rejects if none comes within timeoutMs. */
  reply(timeoutMs?: number): Promise<SmtpReply>
  /** Writes raw bytes, nothing added. */
  write(data: string | Buffer): void
  /** Writes a command line (CRLF added) and waits for its reply. */
  command(line: string): Promise<SmtpReply>
  /** Resolves once the server has closed the connection. */
  closed: Promise<void>
  close(): void
}

export async function openSmtpDialogue(port: number, host = '127.0.0.1'): Promise<SmtpDialogue> {
  const socket = connect(port, host)
  await once(socket, 'connect')
  let buffer = ''
  const replies: SmtpReply[] = []
  const waiting: Array<(reply: SmtpReply) => void> = []
  let lines: string[] = []
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      lines.push(line)
      if (/^\d{3}(?: |$)/.test(line)) {
        const reply = { code: Number(line.slice(0, 3)), text: lines.join('\n') }
        lines = []
        const waiter = waiting.shift()
        if (waiter) waiter(reply)
        else replies.push(reply)
      }
    }
  })
  socket.on('error', () => {})
  const closed = once(socket, 'close').then(() => undefined)
  const reply = (timeoutMs = 5_000) =>
    new Promise<SmtpReply>((resolve, reject) => {
      const queued = replies.shift()
      if (queued) return resolve(queued)
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(waiter), 1)
        reject(new Error(`no SMTP reply within ${timeoutMs} ms`))
      }, timeoutMs)
      const waiter = (next: SmtpReply) => {
        clearTimeout(timer)
        resolve(next)
      }
      waiting.push(waiter)
    })
  const dialogue: SmtpDialogue = {
    socket,
    reply,
    write: (data) => socket.write(data),
    command(line) {
      socket.write(`${line}\r\n`)
      return reply()
    },
    closed,
    close: () => socket.destroy(),
  }
  return dialogue
}
