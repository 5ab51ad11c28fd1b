import { pino } from 'pino'
import type { Sql } from 'postgres'
import { loadConfig } from '../../src/config.js'
import { type AppContext, createContext } from '../../src/context.js'
import { prepareDatabase } from '../../src/db/prepare.js'
import { signUp } from '../../src/modules/accounts/accounts.service.js'
import { createBenchDatabase } from './bench-database.js'
import { generateCorpus } from './corpus.js'

export interface BenchAgency {
  id: string
  name: string
  city: string | null
  state: string
}

/**
 * A migrated, seeded throwaway database with one member, for the search benchmarks. The clients all
 * come from loopback, so the per-address search limits are off.
 */
export async function openSearchBench(name: string, env: Record<string, string> = {}) {
  const database = await createBenchDatabase()
  const config = loadConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    QUEUE_PREFIX: `bench-${name}-${process.pid}`,
    RATE_LIMIT_SEARCH_PER_IP: 'off',
    RATE_LIMIT_SEARCH_PER_USER: 'off',
    ...env,
  })
  const ctx: AppContext = await createContext(config, { logger: pino({ level: 'silent' }) })
  await prepareDatabase(ctx)
  const sql = ctx.database.sql
  const [existing] = (await sql`select id from users where email = 'bench@example.org'`) as unknown as { id: string }[]
  const user = existing ?? (await signUpBenchUser(ctx))
  const agencies = (await sql`select id, name, city, state from agencies order by name`) as unknown as BenchAgency[]
  return {
    ctx,
    sql,
    user,
    agencies,
    async close() {
      await ctx.close()
      await database.drop()
    },
  }
}

async function signUpBenchUser(ctx: AppContext) {
  const signedUp = await signUp({ ...ctx, signup: 'open' }, null, { email: 'bench@example.org', name: 'Bench' })
  if (signedUp.status !== 'created') throw new Error('the bench database already has users')
  return signedUp.user
}

/**
 * Loads a generated corpus: one fulfilled request per agency (every tenth private), `documents`
 * documents spread over them (reviewed and published when received), their pages by COPY. Returns the document ids and the page count.
 * In a kept database (BENCH_DATABASE) that holds documents already, those are reused.
 */
export async function loadSearchCorpus(sql: Sql, userId: string, agencies: readonly BenchAgency[], documents: number, seed: number) {
  // A kept database (BENCH_DATABASE) already holding a corpus is reused as it is, if it is the size asked
  // for (the near-copies bench adds its families on top): figures from a smaller corpus would mislead.
  const loaded = (await sql`select id from documents order by created_at, id`) as unknown as { id: string }[]
  if (loaded.length > 0) {
    const [{ corpus }] = (await sql`
      select count(*)::int as corpus from documents where title not like 'Family %'`) as unknown as [{ corpus: number }]
    if (corpus !== documents)
      throw new Error(`BENCH_DATABASE holds a corpus of ${corpus} documents, not ${documents}: give this bench a database of its own`)
    const [{ pages }] = (await sql`select count(*)::int as pages from document_pages`) as unknown as [{ pages: number }]
    return { documentIds: loaded.map((row) => row.id), pages }
  }
  const laws = Object.fromEntries(
    ((await sql`select code, law_name from jurisdictions`) as unknown as { code: string; law_name: string }[]).map((row) => [
      row.code,
      row.law_name,
    ]),
  )
  const requestIds = (
    (await sql`
      insert into requests (user_id, agency_id, template_slug, subject, body, visibility, status, reply_key, submitted_at, submitted_via)
      select ${userId}::uuid, a.id, 'ring-partnership', 'Ring records', 'Letter', case when n % 10 = 0 then 'private' else 'public' end,
             'fulfilled', 'bench-' || n, now(), 'portal'
      from (select id, row_number() over (order by name) as n from agencies) a
      order by n
      returning id`) as unknown as { id: string }[]
  ).map((row) => row.id)
  const corpus = generateCorpus({
    seed,
    documents,
    agencies: agencies.map((agency) => ({ name: agency.name, city: agency.city ?? agency.name, state: agency.state })),
    laws,
  })
  const documentIds = (
    (await sql`
      insert into documents (request_id, title, kind, filename, mime_type, size, sha256, received_at, status, page_count, published_at)
      select (${`{${requestIds.join(',')}}`}::uuid[])[(d.value->>'agency')::int + 1], d.value->>'title', d.value->>'kind', 'document.pdf', 'application/pdf', 1000,
             encode(sha256(convert_to(d.value->>'title' || d.ordinality, 'UTF8')), 'hex'), (d.value->>'receivedAt')::timestamptz, 'ready', (d.value->>'pages')::int,
             (d.value->>'receivedAt')::timestamptz
      from jsonb_array_elements(${JSON.stringify(corpus.map((document) => ({ agency: document.agency, title: document.title, kind: document.kind, receivedAt: document.receivedAt, pages: document.pages.length })))}::jsonb) with ordinality as d(value, ordinality)
      order by d.ordinality
      returning id`) as unknown as { id: string }[]
  ).map((row) => row.id)
  const copy = await sql`copy document_pages (document_id, page, text) from stdin`.writable()
  const escapeCopy = (text: string) => text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
  for (const [index, document] of corpus.entries()) {
    const rows = document.pages.map((text, page) => `${documentIds[index]}\t${page + 1}\t${escapeCopy(text)}\n`).join('')
    if (!copy.write(rows)) await new Promise((resolve) => copy.once('drain', resolve))
  }
  await new Promise<void>((resolve, reject) => copy.end((error?: Error | null) => (error ? reject(error) : resolve())))
  await sql`vacuum analyze document_pages`
  const [{ pages }] = (await sql`select count(*)::int as pages from document_pages`) as unknown as [{ pages: number }]
  return { documentIds, pages }
}
