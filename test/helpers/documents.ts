// Real files of the kinds agencies send back, made in the tests, and multipart uploads of them.
import type { FastifyInstance } from 'fastify'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import PDFDocument from 'pdfkit'
import { encodePng, renderText } from './images.js'
import { eventually } from './worker.js'

/** One PDF page: text (a text layer), or a PNG drawn on it alone (a scan, no text layer). */
export type PdfPage = string | { scan: Buffer }

export async function makePdf(
  pages: readonly PdfPage[],
  options: { userPassword?: string; size?: [number, number] } = {},
): Promise<Buffer> {
  const document = new PDFDocument({ autoFirstPage: false, userPassword: options.userPassword })
  const chunks: Buffer[] = []
  document.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise((resolve) => document.on('end', resolve))
  for (const page of pages) {
    document.addPage(options.size ? { size: options.size } : {})
    if (typeof page === 'string') document.fontSize(12).text(page)
    else document.image(page.scan, 50, 50, { width: 500 })
  }
  document.end()
  await ended
  return Buffer.concat(chunks)
}

/** A page of printed text, as a scanner would give it: a PNG with no text layer. */
export function scannedPage(lines: readonly string[]): Buffer {
  return encodePng(renderText(lines))
}

export interface EmailAttachment {
  filename: string
  content: Buffer | string
  contentType?: string
}

/** An exported email (.eml), as a mail client saves it. */
export async function makeEml(fields: {
  from: string
  to: string
  subject: string
  text: string
  date?: Date
  attachments?: EmailAttachment[]
}): Promise<Buffer> {
  const composer = new MailComposer({ ...fields, date: fields.date ?? new Date('2026-10-05T16:00:00Z') })
  return new Promise((resolve, reject) => composer.compile().build((error, message) => (error ? reject(error) : resolve(message))))
}

export interface UploadPart {
  /** The form field: "file" for files. */
  name: string
  /** A file's bytes, or a field's value. */
  value: Buffer | string
  filename?: string
  contentType?: string
}

/** A multipart/form-data body and its content type, as a browser would send it. */
export async function multipartBody(parts: readonly UploadPart[]): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData()
  for (const part of parts) {
    if (typeof part.value === 'string' && part.filename === undefined) form.append(part.name, part.value)
    else form.append(part.name, new Blob([part.value], { type: part.contentType ?? 'application/octet-stream' }), part.filename ?? 'file')
  }
  const encoded = new Response(form)
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! }
}

export async function upload(app: FastifyInstance, requestId: string, headers: Record<string, string>, parts: readonly UploadPart[]) {
  const { body, contentType } = await multipartBody(parts)
  return app.inject({
    method: 'POST',
    url: `/v1/requests/${requestId}/documents`,
    headers: { ...headers, 'content-type': contentType },
    payload: body,
  })
}

export const file = (value: Buffer | string, filename: string, contentType?: string): UploadPart => ({
  name: 'file',
  value: typeof value === 'string' ? Buffer.from(value) : value,
  filename,
  contentType,
})

/** Waits until the worker has made the redacted copy of the document's current redactions. */
export function redactedCopyReady(app: FastifyInstance, documentId: string, headers?: Record<string, string>) {
  return eventually(
    async () => (await app.inject({ method: 'GET', url: `/v1/documents/${documentId}`, headers })).json().renditionStatus === 'ready',
    60_000,
    `the redacted copy of ${documentId}`,
  )
}
