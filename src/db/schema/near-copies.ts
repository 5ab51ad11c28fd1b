import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, primaryKey, real, uuid } from 'drizzle-orm/pg-core'
import { documents } from './documents.js'

/**
 * Each page's MinHash signature over its word shingles (src/modules/near-copies/minhash.ts),
 * written when the page's text is extracted, in place of the document's old ones. It references the
 * document, not the page: a foreign key to the page cost a lookup and a row lock on the page (the
 * largest table) for every signature written, the most expensive part of indexing.
 */
export const pageSignatures = pgTable(
  'page_signatures',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    page: integer('page').notNull(),
    minhash: integer('minhash').array().notNull(),
  },
  (table) => [primaryKey({ name: 'page_signatures_pkey', columns: [table.documentId, table.page] })],
)

/**
 * The LSH keys of each document's signature (the MinHash of all its pages' shingles), one row per
 * band: documents sharing a key are candidate near copies, then compared page by page. The primary
 * key leads with the key, so a lookup reads the index alone.
 */
export const documentBands = pgTable(
  'document_bands',
  {
    bandKey: integer('band_key').notNull(),
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ name: 'document_bands_pkey', columns: [table.bandKey, table.documentId] }),
    index('document_bands_document_idx').on(table.documentId),
  ],
)

/**
 * Pairs of documents that are near copies (their pages match in order), found when the later of
 * the two was extracted; stored both ways round, so a document's copies are one index range.
 */
export const nearCopies = pgTable(
  'near_copies',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    copyId: uuid('copy_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    similarity: real('similarity').notNull(),
  },
  (table) => [
    primaryKey({ name: 'near_copies_pkey', columns: [table.documentId, table.copyId] }),
    index('near_copies_copy_idx').on(table.copyId),
    check('near_copies_not_itself', sql`document_id <> copy_id`),
    check('near_copies_similarity_range', sql`similarity between 0 and 1`),
  ],
)
