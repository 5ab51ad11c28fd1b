import { and, eq, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { imapCheckpoints } from '../../db/schema/index.js'
import type { ImapCheckpoint } from './imap-checkpoint.js'

export async function findImapCheckpoint(db: Executor, account: string, mailbox: string): Promise<ImapCheckpoint | null> {
  const [row] = await db
    .select({ uidValidity: imapCheckpoints.uidValidity, lastUid: imapCheckpoints.lastUid })
    .from(imapCheckpoints)
    .where(and(eq(imapCheckpoints.account, account), eq(imapCheckpoints.mailbox, mailbox)))
  return row ?? null
}

/** Records the checkpoint; under the same UIDVALIDITY it only ever moves forward. */
export async function saveImapCheckpoint(db: Executor, account: string, mailbox: string, checkpoint: ImapCheckpoint): Promise<void> {
  await db
    .insert(imapCheckpoints)
    .values({ account, mailbox, uidValidity: checkpoint.uidValidity, lastUid: checkpoint.lastUid })
    .onConflictDoUpdate({
      target: [imapCheckpoints.account, imapCheckpoints.mailbox],
      set: {
        uidValidity: sql`excluded.uid_validity`,
        lastUid: sql`case when ${imapCheckpoints.uidValidity} = excluded.uid_validity
          then greatest(${imapCheckpoints.lastUid}, excluded.last_uid) else excluded.last_uid end`,
        updatedAt: sql`now()`,
      },
    })
}
