import { sql } from 'drizzle-orm'
import { check, foreignKey, index, integer, pgTable, primaryKey, real, uuid } from 'drizzle-orm/pg-core'
import { documentPages } from './document-pages.js'
import { documents } from './documents.js'

/**
 * Each page's MinHash signature over its word shingles (src/modules/near-copies/minhash.ts),
 * written when the page's text is extracted; removed with the page.
 */
export const pageSignatures = pgTable(
  'page_signatures',
  {
    documentId: uuid('document_id').notNull(),
    page: integer('page').notNull(),
    minhash: integer('minhash').array().notNull(),
  },
  (table) => [
    primaryKey({ name: 'page_signatures_pkey', columns: [table.documentId, table.page] }),
    foreignKey({
      name: 'page_signatures_page_fkey',
      columns: [table.documentId, table.page],
      foreignColumns: [documentPages.documentId, documentPages.page],
    }).onDelete('cascade'),
  ],
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
