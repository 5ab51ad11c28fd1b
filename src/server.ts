import { buildApp } from './app.js'
import { createContext } from './context.js'
import { ensureDatabaseExists } from './db/ensure-database.js'
import { prepareDatabase } from './db/prepare.js'
import { loadConfigOrExit, runUntilSignalled } from './process.js'

const config = loadConfigOrExit()
await ensureDatabaseExists(config.databaseUrl)
const ctx = await createContext(config)
await prepareDatabase(ctx)
const app = await buildApp(ctx)
await app.listen({ host: config.host, port: config.port })

runUntilSignalled(ctx.logger, async () => {
  await app.close()
  await ctx.close()
})
