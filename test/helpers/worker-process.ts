import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { Config } from '../../src/config.js'
import { entryPoint } from './source-tree.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface WorkerProcess {
  child: ChildProcess
  /** Pino log lines the worker printed so far, parsed. */
  logs: Record<string, unknown>[]
  /** Resolves with the exit code and signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * `src/worker.ts` as its own operating-system process, as `npm run worker` runs it, on the test
 * app's database, Redis and queue prefix. Resolves once it logs that it started.
 */
export async function spawnWorkerProcess(t: Teardown, config: Config, env: Record<string, string>): Promise<WorkerProcess> {
  const command = entryPoint('worker')
  const child = spawn(process.execPath, command.args, {
    cwd: command.cwd,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      QUEUE_PREFIX: config.queuePrefix,
      PUBLIC_URL: config.publicUrl,
      REPLY_DOMAIN: config.replyDomain,
      // Workers that may claim each other's deliveries share the journal of accepted ones.
      STORAGE_DIR: config.storageDir,
      SEED_ON_START: 'false',
      LOG_LEVEL: 'info',
      // tap records coverage in child processes too. The in-process workers cover this code, so this
      // child's is left out: run from the sources it goes through tsx, whose source maps would be
      // merged with tap's and mark type-only lines as uncovered.
      _TAPJS_PROCESSINFO_COV_EXCLUDE_: '/./',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const logs: Record<string, unknown>[] = []
  const started = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        if (entry.msg === 'worker started') resolve()
      } catch {
        // not a log line
      }
    })
    void exited.then(({ code, signal }) => reject(new Error(`worker exited before starting (code ${code}, signal ${signal})`)))
  })
  await started
  return { child, logs, exited }
}
