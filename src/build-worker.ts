import type { Mailer } from './adapters/mailer/mailer.js'
import type { AppContext } from './context.js'
import { type RunningWorker, startWorkers } from './jobs/runner.js'
import { createAccountHandlers } from './modules/accounts/account-emails.service.js'
import { createInboundHandlers } from './modules/correspondence/ingest.service.js'
import { createDeliveryHandlers } from './modules/deliveries/deliveries.service.js'
import { createExtractionHandlers } from './modules/documents/extraction.service.js'
import { createRenditionHandlers } from './modules/privacy/privacy.service.js'
import { loadEmailTemplates } from './modules/templates/email-templates.js'

/**
 * The worker on a context: every job handler wired to the context and the mailer, and started.
 * `src/worker.ts` runs it as a process; tests start the same thing in-process.
 */
export async function buildWorker(ctx: AppContext, mailer: Mailer): Promise<RunningWorker> {
  const emails = await loadEmailTemplates()
  return startWorkers(ctx.config, ctx.logger, {
    deliveries: createDeliveryHandlers({ ...ctx, mailer, emails }),
    extractions: createExtractionHandlers(ctx),
    accounts: createAccountHandlers({ ...ctx, mailer, emails }),
    inbound: createInboundHandlers(ctx),
    renditions: createRenditionHandlers(ctx),
  })
}
