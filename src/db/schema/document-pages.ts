import { sql } from 'drizzle-orm'
import { boolean, customType, date, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { guardTags } from '../../modules/search/snippet.js'
import { documents } from './documents.js'

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/**
 * The text of each page of a document, indexed for full-text search (English configuration).
 *
 * The columns after `tsv` copy what search filters on from the document, its request and agency,
 * so that one table and its indexes answer a search. Triggers (migration 0006) fill them when a page
 * is inserted and keep them in step when a request's visibility, status or agency, an agency's
 * state, or a document's kind or date changes: whether a page is public is decided in the database,
 * never left to a code path to remember.
 */
export const documentPages = pgTable(
  'document_pages',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    page: integer('page').notNull(),
    text: text('text').notNull(),
    /** The page has no text layer and could not be OCRed yet. */
    needsOcr: boolean('needs_ocr').notNull().default(false),
    // PostgreSQL's parser drops what looks like an HTML tag, and everything inside <script> and
    // <style>; a control character after each "<" keeps that text words (see search/snippet.ts).
    // Kept in the row, not in TOAST (migration 0007): ranking reads it for every matching page.
    tsv: tsvector('tsv')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', ${sql.raw(guardTags('text'))})`),
    requestId: uuid('request_id').notNull(),
    agencyId: uuid('agency_id').notNull(),
    state: text('state').notNull(),
    kind: text('kind').notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    /** Anyone may find it: its request is public and no longer a draft. */
    public: boolean('public').notNull(),
    ownerId: uuid('owner_id').notNull(),
  },
  (table) => [
    primaryKey({ name: 'document_pages_pkey', columns: [table.documentId, table.page] }),
    index('document_pages_tsv_idx').using('gin', table.tsv),
    index('document_pages_state_idx').on(table.state),
    index('document_pages_agency_idx').on(table.agencyId),
    index('document_pages_kind_idx').on(table.kind),
    index('document_pages_received_idx').on(table.receivedOn),
    index('document_pages_owner_idx').on(table.ownerId).where(sql`not public`),
    index('document_pages_request_idx').on(table.requestId),
    index('document_pages_needs_ocr_idx').on(table.documentId).where(sql`needs_ocr`),
  ],
)
