import { startInbound } from './build-inbound.js'
import { createContext } from './context.js'
import { ensureDatabaseExists } from './db/ensure-database.js'
import { prepareDatabase } from './db/prepare.js'
import { createInboundAcceptor } from './modules/correspondence/inbound-acceptor.js'
import { loadConfigOrExit, runUntilSignalled } from './process.js'

const config = loadConfigOrExit()
await ensureDatabaseExists(config.databaseUrl)
const ctx = await createContext(config)
await prepareDatabase(ctx)
const running = await startInbound(ctx, createInboundAcceptor(ctx))
ctx.logger.info(
  { smtp: `${running.smtp.address}:${running.smtp.port}`, starttls: config.inbound.smtp.tls !== null, imap: config.inbound.imap !== null },
  'inbound started',
)

runUntilSignalled(ctx.logger, async () => {
  await running.close()
  await ctx.close()
})
