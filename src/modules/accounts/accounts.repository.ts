import { and, count, desc, eq, sql } from 'drizzle-orm'
import { type Executor, inUuids, preparedPer } from '../../db/client.js'
import { apiTokens, users } from '../../db/schema/index.js'

export type UserRow = typeof users.$inferSelect

export async function countUsers(db: Executor): Promise<number> {
  const [row] = await db.select({ value: count() }).from(users)
  return row?.value ?? 0
}

export async function insertUser(db: Executor, values: typeof users.$inferInsert): Promise<UserRow | null> {
  const [row] = await db.insert(users).values(values).onConflictDoNothing().returning()
  return row ?? null
}

/**
 * A member with this address: created, or the one already there (any case). One statement either
 * way, so the two take the same time and a caller cannot tell them apart by the clock.
 */
export async function insertOrFindMember(
  db: Executor,
  values: { email: string; name: string; mailingAddress: string | null },
): Promise<{ id: string; created: boolean }> {
  const [row] = await db.execute<{ id: string; created: boolean }>(sql`
    with inserted as (
      insert into ${users} (email, name, mailing_address, role)
      values (${values.email}, ${values.name}, ${values.mailingAddress}, 'member')
      on conflict do nothing
      returning id
    )
    select id, true as created from inserted
    union all
    select id, false as created from ${users} where lower(email) = lower(${values.email}) and not exists (select 1 from inserted)`)
  return row!
}

export async function findUser(db: Executor, id: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id))
  return row ?? null
}

export async function deleteTokenById(db: Executor, tokenId: string): Promise<void> {
  await db.delete(apiTokens).where(eq(apiTokens.id, tokenId))
}

export async function updateUser(db: Executor, id: string, values: Partial<typeof users.$inferInsert>): Promise<UserRow> {
  const [row] = await db.update(users).set(values).where(eq(users.id, id)).returning()
  return row!
}

export async function insertToken(db: Executor, userId: string, tokenHash: string): Promise<{ id: string }> {
  const [row] = await db.insert(apiTokens).values({ userId, tokenHash }).returning({ id: apiTokens.id })
  return row!
}

// Runs on every authenticated request.
const findUserByTokenHashQuery = preparedPer((db) =>
  db
    .select({ user: users, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')))
    .prepare('find_user_by_token_hash'),
)

export async function findUserByTokenHash(db: Executor, tokenHash: string) {
  const [row] = await findUserByTokenHashQuery(db).execute({ tokenHash })
  return row ?? null
}

export async function touchToken(db: Executor, tokenId: string): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, tokenId))
}

export async function deleteToken(db: Executor, userId: string, tokenId: string): Promise<boolean> {
  const deleted = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
    .returning({ id: apiTokens.id })
  return deleted.length > 0
}

/**
 * Locks the user's row for the rest of the transaction, so that checking one of their allowances
 * and spending it happen one call at a time; returns when the account was created.
 */
export async function lockUser(db: Executor, id: string): Promise<{ createdAt: Date } | null> {
  const [row] = await db.select({ createdAt: users.createdAt }).from(users).where(eq(users.id, id)).for('update')
  return row ?? null
}

/** Which of these users muted all their reminders. */
export async function mutedUserIds(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inUuids(users.id, ids), eq(users.remindersMuted, true)))
  return new Set(rows.map((row) => row.id))
}

/** What a letter says of the person who sends it. */
export async function findRequester(db: Executor, userId: string): Promise<{ name: string; email: string; mailingAddress: string | null }> {
  const [requester] = await db
    .select({ name: users.name, email: users.email, mailingAddress: users.mailingAddress })
    .from(users)
    .where(eq(users.id, userId))
  return requester!
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`)
  return row ?? null
}

export async function listTokens(db: Executor, userId: string): Promise<{ id: string; createdAt: Date; lastUsedAt: Date | null }[]> {
  return db
    .select({ id: apiTokens.id, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
}
