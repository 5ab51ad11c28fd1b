import { z } from 'zod'
import { DOCUMENT_KINDS, DOCUMENT_SOURCES, DOCUMENT_STATUSES } from '../../db/schema/documents.js'
import { paginationQuery } from '../../http/pagination.js'
import { calendarDateSchema, instantSchema } from '../../http/schemas.js'
import { MIME_TYPES } from './file-types.js'

export const MAX_TITLE_LENGTH = 300
/** Files one upload may carry. */
export const MAX_FILES_PER_UPLOAD = 20

export const documentSchema = z
  .object({
    id: z.uuid(),
    requestId: z.uuid(),
    parentId: z.uuid().nullable().describe('For an attachment taken out of an uploaded email (.eml or Outlook .msg): that email'),
    title: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    source: z.enum(DOCUMENT_SOURCES).describe('"upload": sent by the requester; "email": an attachment of a message from the agency'),
    messageId: z.uuid().nullable().describe('For a document that came by email: the message it came with (GET /v1/requests/{id}/messages)'),
    filename: z.string(),
    mimeType: z.enum(MIME_TYPES).describe('Detected from the file’s bytes'),
    size: z.number().int().describe('Bytes'),
    sha256: z.string(),
    receivedAt: z.string(),
    status: z.enum(DOCUMENT_STATUSES).describe('"processing" until the worker has read its text'),
    pageCount: z
      .number()
      .int()
      .nullable()
      .describe(
        'Pages of text stored, once status is "ready" (for a spreadsheet, one a sheet; for Word, CSV and Outlook text, one about every 3,000 characters)',
      ),
    pagesRead: z
      .number()
      .int()
      .nullable()
      .describe(
        'Progress: pages read so far while status is "processing" (updated about twice a second), then the pages stored; null until the worker begins',
      ),
    pagesTotal: z
      .number()
      .int()
      .nullable()
      .describe('Pages in the file, once the worker has opened it (PDFs); may exceed the pages read under EXTRACTION_MAX_PAGES'),
    error: z
      .string()
      .nullable()
      .describe(
        'Why the text could not be read, when status is "failed" (damaged, encrypted, an image bomb, a zip bomb); when "ready", what was left unread (pages beyond the per-document page or time limit, cells beyond the spreadsheet limit), else null',
      ),
    published: z.boolean().describe('Reviewed and made public by the requester; new documents wait for review (unpublished)'),
    publishedAt: z.string().nullable(),
    redactionCount: z.number().int().describe('Redactions burned into the public file and taken out of the public text'),
    redactedPages: z.array(z.number().int()).describe('The pages that carry redactions'),
    renditionStatus: z
      .enum(['none', 'pending', 'ready', 'failed'])
      .describe(
        'The public file against the redactions: "none" (no redactions; the original is the public file), "pending" (the worker is burning the latest redactions in; /file and publishing answer 409 until it is done, usually within a minute), "ready", "failed" (see renditionError)',
      ),
    renditionError: z.string().nullable().describe('Why the redacted copy could not be made, when renditionStatus is "failed"'),
    createdAt: z.string(),
  })
  .meta({ id: 'Document' })

export const originalAccessSchema = z
  .object({
    id: z.uuid(),
    user: z.object({ id: z.uuid(), name: z.string() }).nullable().describe('Who opened it; null when that account was deleted since'),
    accessedAt: z.string(),
  })
  .meta({ id: 'OriginalAccess' })

export const documentParams = z.object({ id: z.uuid() })

export const documentListQuery = z.object({ ...paginationQuery })

export const documentTextQuery = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe('Only this page (1 is the first); 404 when the document has no such page'),
})

export const documentTextSchema = z
  .object({
    pages: z.array(
      z.object({
        page: z.number().int(),
        text: z.string(),
        needsOcr: z.boolean().describe('The page has no text layer and OCR was not available when it was read'),
      }),
    ),
  })
  .meta({ id: 'DocumentText' })

/** The form fields that may come with the files; they apply to every file of the upload. */
export const uploadFields = z.strictObject({
  title: z.string().trim().min(1).max(MAX_TITLE_LENGTH).optional(),
  kind: z.array(z.enum(DOCUMENT_KINDS)).optional().describe('One kind for every file, or one per file in the order of the files'),
  receivedAt: z
    .union([calendarDateSchema.transform((date) => new Date(`${date}T12:00:00Z`)), instantSchema])
    .optional()
    .describe('When the agency sent it: an instant, or a date (taken as noon UTC); defaults to an email’s Date header, else now'),
})

export const uploadResponse = z.object({ items: z.array(documentSchema) })
