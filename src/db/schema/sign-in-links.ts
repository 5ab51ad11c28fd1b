import { sql } from 'drizzle-orm'
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.js'

/**
 * One-time sign-in links asked for at /login. The API records the request; the worker makes the
 * token, stores only its SHA-256 here and emails the link, so the token never passes through the
 * API's answers. A link works once (`used_at`), until `expires_at`.
 */
export const signInLinks = pgTable(
  'sign_in_links',
  {
    id: id(),
    /** As typed at /login; matched to an account without regard to case. */
    email: text('email').notNull(),
    /** Set by the worker when it emails the link; null before, and again if the mail was refused. */
    tokenHash: text('token_hash').unique('sign_in_links_token_hash_key'),
    /** A same-origin path to open after signing in, checked before it is stored. */
    nextPath: text('next_path'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (table) => [index('sign_in_links_email_created_at_idx').on(sql`lower(${table.email})`, table.createdAt)],
)
