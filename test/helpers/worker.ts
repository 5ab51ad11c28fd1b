import { createSmtpMailer } from '../../src/adapters/mailer/smtp-mailer.js'
import { buildWorker } from '../../src/build-worker.js'
import type { AppContext } from '../../src/context.js'
import type { RunningWorker } from '../../src/jobs/runner.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** The worker's jobs running in this process against the test app's database, Redis prefix and SMTP. */
export async function startTestWorker(t: Teardown, ctx: AppContext, smtpUrl: string): Promise<RunningWorker> {
  const mailer = createSmtpMailer(smtpUrl)
  const running = await buildWorker(ctx, mailer)
  let closed = false
  t.teardown(async () => {
    if (!closed) await running.close()
    mailer.close()
  })
  return {
    async close() {
      closed = true
      await running.close()
    },
  }
}

/** Polls until `check` returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
