import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import postgres from 'postgres'
import { REPO_ROOT } from './source-tree.js'

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** What the template database is built from: migrations, reference data, and the code that seeds it. */
function templateSources(): string[] {
  const sources = readdirSync(new URL('drizzle/', REPO_ROOT))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => `drizzle/${file}`)
  sources.push(
    ...readdirSync(new URL('data/', REPO_ROOT))
      .filter((file) => file.endsWith('.csv'))
      .map((file) => `data/${file}`),
  )
  const code = readdirSync(new URL('src/', REPO_ROOT), { recursive: true, encoding: 'utf8' })
  // Seeders, and the agency identity rule the agency seeder upserts on.
  sources.push(...code.filter((file) => /(^|\/)seed\.ts$|\.seed\.ts$|agency-fields\.ts$/.test(file)).map((file) => `src/${file}`))
  return sources.sort()
}

/** The migrated, seeded template database; its name changes whenever migrations, seed data or seeders change. */
export function templateDatabaseName(): string {
  const hash = createHash('sha256')
  for (const file of templateSources()) hash.update(file).update(readFileSync(new URL(file, REPO_ROOT)))
  return `rr_test_template_${hash.digest('hex').slice(0, 12)}`
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL)
  url.pathname = `/${name}`
  return url.toString()
}

export function adminConnection() {
  return postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })
}

/** A fresh database cloned from the template, for one test file. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `rr_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = adminConnection()
  try {
    await admin.unsafe(`create database "${name}" template "${templateDatabaseName()}"`)
  } finally {
    await admin.end()
  }
  return {
    name,
    url: databaseUrl(name),
    async drop() {
      const sql = adminConnection()
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`)
      } finally {
        await sql.end()
      }
    },
  }
}
