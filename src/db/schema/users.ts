import { sql } from 'drizzle-orm'
import { boolean, check, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, id, inList } from './columns.js'

export const USER_ROLES = ['admin', 'member'] as const

export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    mailingAddress: text('mailing_address'),
    role: text('role', { enum: USER_ROLES }).notNull(),
    remindersMuted: boolean('reminders_muted').notNull().default(false),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('users_email_key').on(sql`lower(${table.email})`),
    check('users_role_check', sql.raw(`role in (${inList(USER_ROLES)})`)),
  ],
)
