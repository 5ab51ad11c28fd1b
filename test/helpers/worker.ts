import { pino } from 'pino'
import { createSmtpMailer } from '../../src/adapters/mailer/smtp-mailer.js'
import type { AppContext } from '../../src/context.js'
import { type RunningWorker, startWorkers } from '../../src/jobs/runner.js'
import { createAccountHandlers } from '../../src/modules/accounts/account-emails.service.js'
import { createExtractionHandlers } from '../../src/modules/documents/extraction.service.js'
import { createDeliveryHandlers } from '../../src/modules/reminders/deliveries.service.js'
import { loadEmailTemplates } from '../../src/modules/reminders/reminder-emails.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** The worker's jobs running in this process against the test app's database, Redis prefix and SMTP. */
export async function startTestWorker(t: Teardown, ctx: AppContext, smtpUrl: string): Promise<RunningWorker> {
  const mailer = createSmtpMailer(smtpUrl)
  const emails = await loadEmailTemplates()
  const logger = pino({ level: 'silent' })
  const running = await startWorkers(ctx.config, logger, {
    deliveries: createDeliveryHandlers({ ...ctx, logger, mailer, emails }),
    extractions: createExtractionHandlers({ ...ctx, logger }),
    accounts: createAccountHandlers({ ...ctx, logger, mailer, emails }),
  })
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
