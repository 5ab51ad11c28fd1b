import { sql } from 'drizzle-orm'
import { bigint, check, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { updatedAt } from './columns.js'

/**
 * How far the IMAP poller has read a mailbox: every message with a UID up to last_uid, under this
 * UIDVALIDITY, is stored (and moved to the processed folder, or being moved). A new UIDVALIDITY
 * means the server renumbered the mailbox, and reading starts over from UID 1; the acceptor knows
 * a message it stored before by its bytes. account is user@host:port, so two mailboxes of the same
 * name on different servers or accounts keep their own place.
 */
export const imapCheckpoints = pgTable(
  'imap_checkpoints',
  {
    account: text('account').notNull(),
    mailbox: text('mailbox').notNull(),
    // RFC 3501: UIDVALIDITY and UIDs are unsigned 32-bit numbers, beyond an integer column.
    uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
    lastUid: bigint('last_uid', { mode: 'number' }).notNull(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ name: 'imap_checkpoints_pkey', columns: [table.account, table.mailbox] }),
    check('imap_checkpoints_last_uid_check', sql`last_uid >= 0`),
  ],
)
