import { type AnyColumn, type SQL, sql } from 'drizzle-orm'
import { drizzle, type PostgresJsDatabase, type PostgresJsSession } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema/index.js'

export type Database = PostgresJsDatabase<typeof schema>
/** An open transaction, as `db.transaction(async (tx) => …)` hands it over. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
/** A database handle or an open transaction: repositories accept either. */
export type Executor = Database | Transaction

export interface DatabaseConnection {
  db: Database
  sql: postgres.Sql
  close(): Promise<void>
}

export interface ConnectOptions {
  max?: number
  /** Sent at connect, so every statement on these connections is cancelled after this long. */
  statementTimeoutMs?: number
  applicationName?: string
}

export function connectDatabase(url: string, options: ConnectOptions = {}): DatabaseConnection {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // postgres.js 3.4.9 reads the server's array types on every new connection and drops that
    // query's promise: a connection killed during it (pg_terminate_backend, a restart) ends the
    // process with an unhandled rejection (https://github.com/porsager/postgres/issues/1192, #1223).
    // Nothing here binds JavaScript arrays or reads array columns (see uuidArray below).
    fetch_types: false,
    connection: {
      application_name: options.applicationName ?? 'ring-records',
      ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
    },
  })
  const db = drizzle(sql, { schema })
  return { db, sql, close: () => sql.end({ timeout: 5 }) }
}

/**
 * Memoises a drizzle prepared query per database handle, so a hot query's SQL is built once
 * instead of on every call (query building dominated request time in the read benchmark).
 */
export function preparedPer<Query>(build: (db: Executor) => Query): (db: Executor) => Query {
  const cache = new WeakMap<Executor, Query>()
  return (db) => {
    let query = cache.get(db)
    if (!query) {
      query = build(db)
      cache.set(db, query)
    }
    return query
  }
}

/**
 * The postgres.js client under a database handle or an open transaction, for hot paths written as
 * plain SQL. drizzle sends each unnamed query unprepared, which postgres.js does in two round trips
 * (describe, then execute) and cannot pipeline; the client's own tagged queries are prepared once
 * per connection, take one round trip, and pipeline when sent together. drizzle leaves dates and
 * JSON to its own mapping on this client: bind them as strings (ISO dates, JSON text) with a cast,
 * and timestamps come back as strings.
 */
export function clientOf(db: Executor): postgres.Sql {
  const session = db._.session as unknown as PostgresJsSession<postgres.Sql, Record<string, unknown>, never>
  if (typeof session?.client !== 'function') throw new Error('This drizzle handle has no postgres.js client.')
  return session.client
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * `column = any($1::uuid[])`: one bind parameter however many ids. drizzle's inArray binds one per
 * id, and building a thousand of them cost more than running the query.
 */
export function inUuids(column: AnyColumn, ids: readonly string[]): SQL {
  return sql`${column} = any(${uuidArray(ids)})`
}

/** A uuid[] as one bind parameter (drizzle spreads a JavaScript array into a list of them). */
export function uuidArray(ids: readonly string[]): SQL {
  for (const id of ids) if (!UUID.test(id)) throw new TypeError(`Not a UUID: ${JSON.stringify(id)}`)
  return sql`${`{${ids.join(',')}}`}::uuid[]`
}

/** An int[] as one bind parameter. */
export function intArray(values: readonly number[]): SQL {
  for (const value of values) if (!Number.isSafeInteger(value)) throw new TypeError(`Not an integer: ${value}`)
  return sql`${`{${values.join(',')}}`}::int[]`
}
