// Runs once before the test files: builds the migrated and seeded template database they clone.
import { pino } from 'pino'
import { loadConfig } from '../../src/config.js'
import { connectDatabase } from '../../src/db/client.js'
import { prepareDatabase } from '../../src/db/prepare.js'
import { adminConnection, databaseUrl, templateDatabaseName } from '../helpers/database.js'

const TEMPLATE_KEEP_MS = 6 * 60 * 60 * 1000

const template = templateDatabaseName()
const building = `${template}_building`
const admin = adminConnection()
try {
  const existing = await admin`select datname from pg_database where datname like 'rr_test_%'`
  const names = existing.map((row) => row.datname as string)
  if (!names.includes(template)) {
    await admin.unsafe(`drop database if exists "${building}" with (force)`)
    await admin.unsafe(`create database "${building}"`)
    await admin.unsafe(`comment on database "${building}" is '${new Date().toISOString()}'`)
    const connection = connectDatabase(databaseUrl(building), { max: 1 })
    try {
      const config = loadConfig({ DATABASE_URL: databaseUrl(building), LOG_LEVEL: 'silent' })
      await prepareDatabase({ db: connection.db, logger: pino({ level: 'silent' }), config })
    } finally {
      await connection.close()
    }
    // Renaming last means a half-built template is never used.
    await admin.unsafe(`alter database "${building}" rename to "${template}"`)
  }
  // Databases left by killed runs, and templates of other migrations. Another checkout (a git
  // worktree on another branch) may be cloning its own template right now, so only templates built
  // more than a few hours ago go.
  const built =
    await admin`select datname, shobj_description(oid, 'pg_database') as built from pg_database where datname like 'rr_test_template_%'`
  const builtAt = new Map(built.map((row) => [row.datname as string, Date.parse(String(row.built))]))
  for (const name of names) {
    const old = name.startsWith('rr_test_template_') && !(Date.now() - (builtAt.get(name) || 0) < TEMPLATE_KEEP_MS)
    if (name !== template && (old || isStale(name))) {
      await admin.unsafe(`drop database if exists "${name}" with (force)`)
    }
  }
} finally {
  await admin.end()
}

function isStale(name: string): boolean {
  const pid = Number(/^rr_test_(\d+)_/.exec(name)?.[1])
  if (!pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch {
    return true
  }
}
