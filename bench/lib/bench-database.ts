import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/**
 * A database for one benchmark run: a throwaway one dropped by `drop()`, or, with BENCH_DATABASE
 * set, that named database, created when missing and kept, so a large corpus is loaded once and
 * reused by later runs.
 */
export async function createBenchDatabase(): Promise<{ url: string; kept: boolean; drop(): Promise<void> }> {
  const kept = process.env.BENCH_DATABASE
  const name = kept ?? `rr_bench_${process.pid}_${randomBytes(3).toString('hex')}`
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  const [exists] = await admin`select 1 from pg_database where datname = ${name}`
  if (!exists) await admin.unsafe(`create database "${name}"`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    kept: kept !== undefined,
    async drop() {
      if (kept) return
      const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
      await sql.unsafe(`drop database if exists "${name}" with (force)`)
      await sql.end()
    },
  }
}
