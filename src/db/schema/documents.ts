import { sql } from 'drizzle-orm'
import { type AnyPgColumn, bigint, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { id, inList, updatedAt } from './columns.js'
import { messages } from './messages.js'
import { requests } from './requests.js'
import { users } from './users.js'

export const DOCUMENT_KINDS = ['agreement', 'correspondence', 'invoice', 'record', 'other'] as const
export const DOCUMENT_STATUSES = ['processing', 'ready', 'failed'] as const
/** upload: sent by the requester; email: an attachment of a message the agency sent. */
export const DOCUMENT_SOURCES = ['upload', 'email'] as const
/** The public rendition against the redactions: ready (built for the current ones), pending (the worker is building it), failed. */
export const RENDITION_STATUSES = ['ready', 'pending', 'failed'] as const

/**
 * A file an agency sent back, attached to a request. The bytes live in storage under their SHA-256;
 * the same bytes uploaded to one request again are the same document.
 */
export const documents = pgTable(
  'documents',
  {
    id: id(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    /** For an attachment taken out of an email: that email. */
    parentId: uuid('parent_id').references((): AnyPgColumn => documents.id, { onDelete: 'cascade' }),
    source: text('source', { enum: DOCUMENT_SOURCES }).notNull().default('upload'),
    /** For a document that arrived by email: the message it came with. */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
    filename: text('filename').notNull(),
    /** Detected from the bytes, never taken from the client. */
    mimeType: text('mime_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }).notNull(),
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull().default('processing'),
    pageCount: integer('page_count'),
    error: text('error'),
    /** While processing: pages read so far of `pagesTotal`, committed as reading goes, so progress shows. */
    pagesRead: integer('pages_read'),
    pagesTotal: integer('pages_total'),
    /** Extraction attempts begun, counted by the database so a worker killed mid-read still counts. */
    extractionAttempts: integer('extraction_attempts').notNull().default(0),
    /** When the attempt under way began; null when none is. An attempt ends within the time budget. */
    extractionStartedAt: timestamp('extraction_started_at', { withTimezone: true, precision: 3 }),
    /**
     * Set when the requester (or an admin) has reviewed the document and made it public; null while
     * it waits for review. Only published documents of public requests are public (see document_is_public()).
     */
    publishedAt: timestamp('published_at', { withTimezone: true, precision: 3 }),
    /** The public rendition's bytes (a PDF with the redactions burned in); null while the document has no redactions. */
    renditionSha256: text('rendition_sha256'),
    renditionSize: bigint('rendition_size', { mode: 'number' }),
    redactionCount: integer('redaction_count').notNull().default(0),
    /** Bumped by every change of the redactions; the rendition job builds for one version and keeps its result only if it is still current. */
    redactionsVersion: integer('redactions_version').notNull().default(0),
    renditionStatus: text('rendition_status', { enum: RENDITION_STATUSES }).notNull().default('ready'),
    /** Why the rendition of the current redactions could not be made (a text not found in the page image, a limit). */
    renditionError: text('rendition_error'),
    /** The pages that carry redactions, in order: the note shown to the public. */
    redactedPages: integer('redacted_pages').array().notNull().default(sql`'{}'::integer[]`),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('documents_request_sha256_key').on(table.requestId, table.sha256),
    index('documents_request_created_idx').on(table.requestId, table.createdAt, table.id),
    index('documents_parent_idx').on(table.parentId),
    index('documents_message_idx').on(table.messageId),
    index('documents_sha256_idx').on(table.sha256),
    index('documents_processing_idx').on(table.createdAt).where(sql`status = 'processing'`),
    check('documents_kind_check', sql.raw(`kind in (${inList(DOCUMENT_KINDS)})`)),
    check('documents_source_check', sql.raw(`source in (${inList(DOCUMENT_SOURCES)})`)),
    check('documents_status_check', sql.raw(`status in (${inList(DOCUMENT_STATUSES)})`)),
    check('documents_sha256_check', sql`sha256 ~ '^[0-9a-f]{64}$'`),
    index('documents_rendition_sha256_idx').on(table.renditionSha256),
    index('documents_rendition_pending_idx').on(table.updatedAt).where(sql`rendition_status = 'pending'`),
    check('documents_rendition_status_check', sql.raw(`rendition_status in (${inList(RENDITION_STATUSES)})`)),
  ],
)
