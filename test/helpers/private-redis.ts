import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

export interface PrivateRedis {
  url: string
  /** FLUSHALL on this server only, never the shared one. */
  flushAll(): Promise<void>
  /** `INFO memory` used_memory, in bytes. */
  usedMemory(): Promise<number>
  /** Kills the server and starts it again on the same port, empty (it keeps nothing on disk). */
  restart(): Promise<void>
  stop(): Promise<void>
}

/**
 * A redis-server of the caller's own (no persistence), so a test or benchmark can flush, restart or
 * misconfigure it without touching the Redis that other test files share.
 */
export async function startPrivateRedis(options: { maxmemoryPolicy?: string } = {}): Promise<PrivateRedis> {
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  const killOnExit = () => child?.kill('SIGKILL')
  process.once('exit', killOnExit)

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        options.maxmemoryPolicy ?? 'noeviction',
      ],
      { stdio: 'ignore' },
    )
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (await answers()) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`private redis on port ${port} did not start`)
  }
  const answers = async () => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on('error', () => {})
    try {
      await probe.connect()
      return (await probe.ping()) === 'PONG'
    } catch {
      return false
    } finally {
      probe.disconnect()
    }
  }
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
  const withClient = async <T>(use: (client: Redis) => Promise<T>): Promise<T> => {
    const client = new Redis(url, { maxRetriesPerRequest: 1 })
    try {
      return await use(client)
    } finally {
      client.disconnect()
    }
  }

  await start()
  return {
    url,
    flushAll: () => withClient(async (client) => void (await client.flushall())),
    usedMemory: () =>
      withClient(async (client) => {
        const match = /^used_memory:(\d+)/m.exec(await client.info('memory'))
        if (!match) throw new Error('INFO memory has no used_memory')
        return Number(match[1])
      }),
    async restart() {
      await stop()
      await start()
    },
    async stop() {
      process.removeListener('exit', killOnExit)
      await stop()
    },
  }
}
