import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { entryPoint } from './source-tree.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface InboundProcess {
  child: ChildProcess
  /** Pino log lines printed so far, parsed. */
  logs: Record<string, unknown>[]
  /** The SMTP listener's port, from the start log line. */
  smtpPort: number
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** `src/inbound.ts` as its own process, as `npm run inbound` runs it. Resolves once it logs that it started. */
export async function spawnInboundProcess(t: Teardown, env: Record<string, string>): Promise<InboundProcess> {
  const command = entryPoint('inbound')
  const child = spawn(process.execPath, command.args, {
    cwd: command.cwd,
    env: {
      PATH: process.env.PATH,
      SEED_ON_START: 'false',
      LOG_LEVEL: 'info',
      INBOUND_SMTP_HOST: '127.0.0.1',
      INBOUND_SMTP_PORT: '0',
      // See worker-process.ts: the in-process doors cover this code; a tsx child's coverage would be wrong.
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
  const smtpPort = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        if (entry.msg === 'inbound started') resolve(Number(String(entry.smtp).split(':').pop()))
      } catch {
        // not a log line
      }
    })
    void exited.then(({ code, signal }) => reject(new Error(`inbound exited before starting (code ${code}, signal ${signal})`)))
  })
  return { child, logs, smtpPort, exited }
}
