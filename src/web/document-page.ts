import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../context.js'
import { getDocument, getDocumentText, readyToPublish } from '../modules/documents/documents.service.js'
import { similarDocuments } from '../modules/near-copies/near-copies.service.js'
import { listRedactions, suggestRedactions } from '../modules/privacy/privacy.service.js'
import { canChange, findVisibleRequest } from '../modules/requests/request-access.js'
import { markMatches } from '../modules/search/search.service.js'
import { markedParts } from './marked-text.js'
import { renderPage } from './render.js'

/** The add-redaction form as it was sent, with what was wrong with it: shown again, filled in. */
export interface RedactionForm {
  values: { page: string; text: string }
  /** Every field named (null: fine): the views render with strict variables. */
  errors: { page: string | null; text: string | null }
  detail: string | null
}

/** Where the review forms send the reader back: the page of the document they were reading. */
export function reviewUrl(id: string, page: number): string {
  return `/documents/${id}?page=${page}#review`
}

/**
 * The document viewer: one page of the public text (the query marked), navigation, near copies;
 * for its requester and admins, the review (suggested redactions, redactions, the redacted copy's
 * state, publishing). `form` re-renders the add-redaction form with its errors, under `status`.
 */
export async function renderDocumentPage(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  view: { id: string; page: number; q: string },
  form: RedactionForm | null = null,
  status = 200,
): Promise<FastifyReply> {
  const { id, page, q } = view
  const document = await getDocument(ctx, request.user, id)
  const { agency, request: owning } = await findVisibleRequest(ctx.db, request.user, document.requestId)
  const pageCount = document.pageCount ?? 0
  let parts: { text: string; marked: boolean }[] | null = null
  if (document.status === 'ready' && pageCount > 0) {
    const [text] = (await getDocumentText(ctx, request.user, id, page)).pages
    const pageText = text?.text ?? ''
    parts = q.trim() ? markedParts(await markMatches(ctx, pageText, q)) : [{ text: pageText, marked: false }]
  }
  const mayChange = request.user !== null && canChange(request.user, owning)
  const review = mayChange && request.user ? await reviewOf(ctx, request.user, document) : null
  const similar = await similarDocuments(ctx, request.user, id)
  const pageUrl = (n: number) => `/documents/${id}?${new URLSearchParams(q.trim() ? { page: String(n), q } : { page: String(n) })}`
  return renderPage(
    request,
    reply,
    'document',
    {
      title: pageCount > 1 ? `${document.title}, page ${page}` : document.title,
      document: { ...document, pageCount },
      agency: { id: agency.id, name: agency.name, state: agency.state },
      page,
      q,
      parts,
      fileUrl: `/v1/documents/${id}/file#page=${page}`,
      mayChange,
      review,
      form: form ?? { values: { page: String(page), text: '' }, errors: { page: null, text: null }, detail: null },
      previousUrl: page > 1 ? pageUrl(page - 1) : null,
      nextUrl: page < pageCount ? pageUrl(page + 1) : null,
      similar: {
        total: similar.total,
        otherAgencies: similar.otherAgencies,
        items: similar.items.map((item) => ({
          ...item,
          percent: Math.floor(item.similarity * 100),
          compareUrl: `/documents/${id}/compare/${item.documentId}`,
        })),
      },
    },
    status,
  )
}

/** What the requester reviews: suggestions (once the text is read) and redactions, from the API's services. */
async function reviewOf(ctx: AppContext, user: NonNullable<FastifyRequest['user']>, document: Awaited<ReturnType<typeof getDocument>>) {
  const readable = document.status === 'ready'
  const [suggestions, redactions] = await Promise.all([
    readable ? suggestRedactions(ctx, user, document.id) : { items: [] },
    listRedactions(ctx, user, document.id),
  ])
  return {
    readable,
    suggestions: suggestions.items,
    redactions: redactions.items,
    mayPublish: readyToPublish(document),
  }
}
