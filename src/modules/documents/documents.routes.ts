import type { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppContext } from '../../context.js'
import { DOCUMENT_KINDS } from '../../db/schema/documents.js'
import { InvalidInputError, UnsupportedTypeError } from '../../errors.js'
import { signedIn } from '../../http/access.js'
import { pageSchema } from '../../http/pagination.js'
import { problemResponses, rateLimitedResponses } from '../../http/problem.js'
import { requestParams } from '../requests/requests.schemas.js'
import {
  documentListQuery,
  documentParams,
  documentSchema,
  documentTextQuery,
  documentTextSchema,
  MAX_FILES_PER_UPLOAD,
  MAX_TITLE_LENGTH,
  originalAccessSchema,
  uploadResponse,
} from './documents.schemas.js'
import * as documents from './documents.service.js'
import { MIME_TYPES } from './file-types.js'

const uploadForm = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'array', items: { type: 'string', format: 'binary' }, maxItems: MAX_FILES_PER_UPLOAD, description: 'One or more files' },
    title: { type: 'string', maxLength: MAX_TITLE_LENGTH },
    kind: {
      type: 'array',
      items: { type: 'string', enum: [...DOCUMENT_KINDS] },
      description: 'One kind for every file, or one per file in the order of the files',
    },
    receivedAt: { type: 'string', description: 'An ISO 8601 instant, or a date YYYY-MM-DD; defaults to an email’s Date header, else now' },
  },
}

// Shown in the browser (a PDF opens at `#page=3`); the CSP below stops any script inside them.
const SHOWN_INLINE = new Set(['application/pdf', 'image/png', 'image/jpeg'])

/** RFC 6266 / 5987: an ASCII fallback name and the exact UTF-8 one. */
function contentDisposition(filename: string, mimeType: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `${SHOWN_INLINE.has(mimeType) ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

/** Headers every served file carries, 304s included. */
function sendFileHeaders(reply: FastifyReply): FastifyReply {
  // An uploaded file must never run as a page of this site.
  return reply.header('content-security-policy', "default-src 'none'; sandbox")
}

function sendFile(reply: FastifyReply, file: documents.ServedFile, stream: Readable) {
  return sendFileHeaders(reply)
    .type(file.mimeType === 'text/plain' ? 'text/plain; charset=utf-8' : file.mimeType)
    .header('content-length', file.size)
    .header('content-disposition', contentDisposition(file.filename, file.mimeType))
    .header('x-content-type-options', 'nosniff')
    .send(stream)
}

export const documentRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/requests/:id/documents', {
      config: { access: 'user', documentedBody: uploadForm, rateLimited: 'uploads' },
      schema: {
        tags: ['documents'],
        summary: 'Upload what the agency sent back (multipart/form-data)',
        description: `One or more parts named "file" (at most ${MAX_FILES_PER_UPLOAD}; PDF, PNG, JPEG, TIFF, plain text, CSV, .eml, Outlook .msg, Word .docx or Excel .xlsx, told from the bytes, each at most MAX_UPLOAD_BYTES) and optional fields "title", "kind" and "receivedAt". The same bytes uploaded again to the request answer the document already there. Text is read in the background: status is "processing" until then.`,
        consumes: ['multipart/form-data'],
        params: requestParams,
        response: { 201: uploadResponse, ...problemResponses, ...rateLimitedResponses },
      },
      handler: async (request, reply) => {
        if (!request.isMultipart()) {
          throw new UnsupportedTypeError('Upload files as multipart/form-data, in parts named "file".')
        }
        if (!/;\s*boundary=/i.test(request.headers['content-type'] ?? '')) {
          throw new InvalidInputError('A multipart/form-data body needs the boundary parameter in its Content-Type.')
        }
        const items = await documents.uploadDocuments(ctx, signedIn(request), request.params.id, request.parts())
        return reply.code(201).send({ items })
      },
    })

    app.get('/v1/requests/:id/documents', {
      config: { access: 'public' },
      schema: {
        tags: ['documents'],
        summary: 'A request’s documents, oldest first (public requests’ documents are public)',
        params: requestParams,
        querystring: documentListQuery,
        response: { 200: pageSchema(documentSchema), ...problemResponses },
      },
      handler: async (request) => documents.listDocuments(ctx, request.user, request.params.id, request.query),
    })

    app.get('/v1/documents/:id', {
      config: { access: 'public' },
      schema: {
        tags: ['documents'],
        summary: 'One document',
        params: documentParams,
        response: { 200: documentSchema, ...problemResponses },
      },
      handler: async (request) => documents.getDocument(ctx, request.user, request.params.id),
    })

    app.get('/v1/documents/:id/file', {
      config: {
        access: 'public',
        documentedResponse: {
          description: 'The file, with the type detected from its bytes',
          contentTypes: MIME_TYPES,
        },
      },
      schema: {
        tags: ['documents'],
        summary:
          'The file anyone allowed may see: the redacted rendition (a PDF; for a text, email, Word, Excel or CSV file, a PDF of its public text) when the document has redactions, else the original (304 to an If-None-Match naming its ETag, while the caller may still see it)',
        description:
          'While the redacted copy of the latest redactions is being made (renditionStatus "pending") or could not be made ("failed"), answers 409 (rendition-pending, rendition-failed): an older copy would show what was just redacted.',
        params: documentParams,
        response: {
          200: z.any().describe('The file, with its detected type'),
          304: z.undefined().describe('The copy the caller holds is current'),
          ...problemResponses,
        },
      },
      handler: async (request, reply) => {
        const {
          file,
          etag,
          stream,
          public: isPublic,
        } = await documents.openDocumentFile(ctx, request.user, request.params.id, request.headers['if-none-match'])
        reply
          .header('etag', etag)
          // No shared cache keeps a copy, and browsers ask again each time: a request made private
          // since must stop serving its files at once. A private file is not stored at all.
          .header('cache-control', isPublic ? 'private, no-cache' : 'private, no-store')
        if (!stream) return sendFileHeaders(reply).code(304).send()
        return sendFile(reply, file, stream)
      },
    })

    app.get('/v1/documents/:id/original', {
      config: {
        access: 'user',
        documentedResponse: {
          description: 'The original file, with the type detected from its bytes',
          contentTypes: MIME_TYPES,
        },
      },
      schema: {
        tags: ['documents'],
        summary: 'The original file, unredacted (requester or admin; every access is logged)',
        params: documentParams,
        response: { 200: z.any().describe('The original file'), ...problemResponses },
      },
      handler: async (request, reply) => {
        const { file, etag, stream } = await documents.openOriginalFile(ctx, signedIn(request), request.params.id)
        reply.header('etag', etag).header('cache-control', 'private, no-store')
        return sendFile(reply, file, stream)
      },
    })

    app.get('/v1/documents/:id/original/accesses', {
      config: { access: 'user' },
      schema: {
        tags: ['documents'],
        summary: 'Who opened the original file and when, newest first (admins)',
        params: documentParams,
        querystring: documentListQuery,
        response: { 200: pageSchema(originalAccessSchema), ...problemResponses },
      },
      handler: async (request) => documents.listOriginalAccesses(ctx, signedIn(request), request.params.id, request.query),
    })

    for (const [action, published] of [
      ['publish', true],
      ['unpublish', false],
    ] as const) {
      app.post(`/v1/documents/:id/${action}`, {
        config: { access: 'user' },
        schema: {
          tags: ['documents'],
          summary: published
            ? 'Publish a reviewed document: public once its request is public (requester or admin)'
            : 'Take a document back from the public (requester or admin)',
          description: published
            ? 'Refused with 409 while the text is still being read (not-ready) or the redacted copy of the latest redactions is being made (rendition-pending) or could not be made (rendition-failed): what is published is what the requester previewed. Publish again once renditionStatus is "ready" (or "none").'
            : undefined,
          params: documentParams,
          response: { 200: documentSchema, ...problemResponses },
        },
        handler: async (request) => documents.setPublished(ctx, signedIn(request), request.params.id, published),
      })
    }

    app.get('/v1/documents/:id/text', {
      config: { access: 'public' },
      schema: {
        tags: ['documents'],
        summary: 'The document’s text, page by page, or one page with ?page=N (409 while it is still being read)',
        params: documentParams,
        querystring: documentTextQuery,
        response: { 200: documentTextSchema, ...problemResponses },
      },
      handler: async (request) => documents.getDocumentText(ctx, request.user, request.params.id, request.query.page),
    })

    app.delete('/v1/documents/:id', {
      config: { access: 'user' },
      schema: {
        tags: ['documents'],
        summary: 'Delete a document, its text and, for an email, its attachments (requester or admin)',
        params: documentParams,
        response: { 204: z.undefined(), ...problemResponses },
      },
      handler: async (request, reply) => {
        await documents.deleteDocument(ctx, signedIn(request), request.params.id)
        return reply.code(204).send()
      },
    })
  }
