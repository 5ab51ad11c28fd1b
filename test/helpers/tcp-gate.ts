// A TCP proxy in front of a server that stops passing the client's bytes on once they match a
// pattern: it holds a client right before a command (an IMAP MOVE, say), so a test can kill the
// client at exactly that point.
import { once } from 'node:events'
import { createServer, connect as netConnect, type Socket } from 'node:net'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface TcpGate {
  port: number
  /** Resolves once a client sent bytes matching the pattern (those bytes never reach the server). */
  held: Promise<void>
  /** Cuts every connection through the gate, as a network failure would; new ones may follow. */
  cut(): void
}

export async function startTcpGate(t: Teardown, target: { host: string; port: number }, pattern: RegExp | null): Promise<TcpGate> {
  const sockets = new Set<Socket>()
  let markHeld: () => void = () => {}
  const held = new Promise<void>((resolve) => {
    markHeld = resolve
  })
  const server = createServer((client) => {
    const upstream = netConnect(target.port, target.host)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => {
        sockets.delete(socket)
        client.destroy()
        upstream.destroy()
      })
    }
    upstream.pipe(client)
    let holding = false
    client.on('data', (chunk: Buffer) => {
      if (holding) return
      if (pattern?.test(chunk.toString('latin1'))) {
        holding = true
        markHeld()
        return
      }
      upstream.write(chunk)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  return {
    port: (server.address() as { port: number }).port,
    held,
    cut() {
      for (const socket of sockets) socket.destroy()
    },
  }
}
