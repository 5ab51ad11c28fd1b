import { loadConfigOrExit } from '../process.js'
import { ensureDatabaseExists } from './ensure-database.js'
import { migrateDatabase } from './migrate.js'

const config = loadConfigOrExit()
await ensureDatabaseExists(config.databaseUrl)
await migrateDatabase(config.databaseUrl)
console.log('migrations applied')
