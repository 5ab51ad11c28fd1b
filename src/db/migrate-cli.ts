import { connectDatabase } from './client.js'
import { loadConfigOrExit } from '../process.js'
import { ensureDatabaseExists } from './ensure-database.js'
import { migrateDatabase } from './migrate.js'

const config = loadConfigOrExit()
await ensureDatabaseExists(config.databaseUrl)
const connection = connectDatabase(config.databaseUrl, { max: 1 })
try {
  await migrateDatabase(connection.db)
  console.log('migrations applied')
} finally {
  await connection.close()
}
