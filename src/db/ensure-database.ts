import postgres from 'postgres'

/** Creates the configured database when it does not exist yet, so a fresh PostgreSQL works out of the box. */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl)
  const name = decodeURIComponent(url.pathname.slice(1))
  if (!name) return false
  url.pathname = '/postgres'
  const admin = postgres(url.toString(), { max: 1, onnotice: () => {} })
  try {
    const existing = await admin`select 1 from pg_database where datname = ${name}`
    if (existing.length > 0) return false
    await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`)
    return true
  } catch (error) {
    // Two processes racing to create it: the loser sees duplicate_database, which is fine.
    if ((error as { code?: string }).code === '42P04') return false
    throw error
  } finally {
    await admin.end({ timeout: 5 })
  }
}
