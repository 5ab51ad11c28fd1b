import { index, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id } from './columns.js'
import { documents } from './documents.js'
import { users } from './users.js'

/** A span the requester took out of a document's public rendition: every occurrence of `text` on `page`. */
export const documentRedactions = pgTable(
  'document_redactions',
  {
    id: id(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    page: integer('page').notNull(),
    text: text('text').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [unique('document_redactions_document_page_text_key').on(table.documentId, table.page, table.text)],
)

/**
 * The text a page had before its redactions: document_pages holds the public text (what search
 * indexes), so what was redacted lives only here, for the owner's suggestions and for undoing.
 */
export const documentPageOriginals = pgTable(
  'document_page_originals',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    page: integer('page').notNull(),
    text: text('text').notNull(),
  },
  (table) => [primaryKey({ name: 'document_page_originals_pkey', columns: [table.documentId, table.page] })],
)

/** Every time someone opened a document's original bytes. */
export const originalAccesses = pgTable(
  'original_accesses',
  {
    id: id(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    accessedAt: timestamp('accessed_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [index('original_accesses_document_accessed_idx').on(table.documentId, table.accessedAt, table.id)],
)
