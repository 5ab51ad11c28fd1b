import { and, count, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { signInLinks } from '../../db/schema/index.js'

export type SignInLinkRow = typeof signInLinks.$inferSelect

export async function insertLink(
  db: Executor,
  values: { email: string; nextPath: string | null; expiresAt: Date },
): Promise<{ id: string }> {
  const [row] = await db.insert(signInLinks).values(values).returning({ id: signInLinks.id })
  return row!
}

/** Links asked for this address (any case) since `since`. */
export async function countLinksSince(db: Executor, email: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ value: count() })
    .from(signInLinks)
    .where(and(sql`lower(${signInLinks.email}) = lower(${email})`, gt(signInLinks.createdAt, since)))
  return row?.value ?? 0
}

export async function findLink(db: Executor, id: string): Promise<SignInLinkRow | null> {
  const [row] = await db.select().from(signInLinks).where(eq(signInLinks.id, id))
  return row ?? null
}

/** Gives the link its token's hash, once: false when it already has one. */
export async function setTokenHash(db: Executor, id: string, tokenHash: string): Promise<boolean> {
  const rows = await db
    .update(signInLinks)
    .set({ tokenHash })
    .where(and(eq(signInLinks.id, id), isNull(signInLinks.tokenHash)))
    .returning({ id: signInLinks.id })
  return rows.length > 0
}

export async function clearTokenHash(db: Executor, id: string): Promise<void> {
  await db.update(signInLinks).set({ tokenHash: null }).where(eq(signInLinks.id, id))
}

/** A link with this token that is neither used nor expired at `now`. */
export async function findUsableLink(db: Executor, tokenHash: string, now: Date): Promise<SignInLinkRow | null> {
  const [row] = await db
    .select()
    .from(signInLinks)
    .where(and(eq(signInLinks.tokenHash, tokenHash), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, now)))
  return row ?? null
}

/** Uses the link up in one statement, so two clicks at once sign in once; null when it is not usable. */
export async function consumeLink(db: Executor, tokenHash: string, now: Date): Promise<SignInLinkRow | null> {
  const [row] = await db
    .update(signInLinks)
    .set({ usedAt: now })
    .where(and(eq(signInLinks.tokenHash, tokenHash), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, now)))
    .returning()
  return row ?? null
}

/** Deletes links that expired before `before`, used or not; answers how many. */
export async function deleteLinksExpiredBefore(db: Executor, before: Date): Promise<number> {
  const rows = await db.delete(signInLinks).where(lt(signInLinks.expiresAt, before)).returning({ id: signInLinks.id })
  return rows.length
}
