import { z } from 'zod'
import { DOCUMENT_KINDS } from '../../db/schema/documents.js'
import { calendarDateSchema, stateCodeSchema } from '../../http/schemas.js'

/** Deep pages of a ranked search cost as much as all the pages before them. */
export const MAX_SEARCH_OFFSET = 10_000
/** Each term is another pass over the matching pages' vectors; a long list of exclusions matched nearly every page. */
export const MAX_QUERY_TERMS = 20

/** Words, quoted or not, excluded or not; `or` counts too, as it costs like one. */
export function queryTermCount(q: string): number {
  return q.replaceAll('"', ' ').split(/\s+/).filter(Boolean).length
}

const FILTERS = ['state', 'agencyId', 'kind', 'receivedFrom', 'receivedTo'] as const

export const searchQuery = z
  .object({
    q: z
      .string()
      .trim()
      .max(500)
      .refine((q) => queryTermCount(q) <= MAX_QUERY_TERMS, `must have at most ${MAX_QUERY_TERMS} terms`)
      .default('')
      .describe(
        `Web-search syntax: words, "exact phrase", -excluded, or; at most ${MAX_QUERY_TERMS} terms. Empty with a filter: browse, newest documents first`,
      ),
    state: stateCodeSchema.optional().describe('Only documents from agencies of this state (two-letter USPS code)'),
    agencyId: z.uuid().optional().describe('Only documents from this agency'),
    kind: z.enum(DOCUMENT_KINDS).optional().describe('Only documents of this kind'),
    receivedFrom: calendarDateSchema.optional().describe('First day received (inclusive, UTC)'),
    receivedTo: calendarDateSchema.optional().describe('Last day received (inclusive, UTC)'),
    limit: z.coerce.number().int().min(1).max(100).default(25).describe('Results per page, 1 to 100'),
    offset: z.coerce.number().int().min(0).max(MAX_SEARCH_OFFSET).default(0).describe(`Results to skip, at most ${MAX_SEARCH_OFFSET}`),
    collapse: z
      .stringbool()
      .default(false)
      .describe('Fold near copies of a document (the same agreement released by other agencies) into its best hit, with their count'),
  })
  .refine((query) => query.q !== '' || FILTERS.some((filter) => query[filter] !== undefined), {
    path: ['q'],
    message: 'is required unless a filter (state, agencyId, kind, receivedFrom, receivedTo) is given',
  })
  .refine((query) => !query.receivedFrom || !query.receivedTo || query.receivedFrom <= query.receivedTo, {
    path: ['receivedTo'],
    message: 'must not be before receivedFrom',
  })

const facetSchema = z.array(z.object({ value: z.string(), count: z.number().int() }))

export const searchResponse = z
  .object({
    total: z.number().int().describe('Matching pages (browsing: documents), exact up to 10,000'),
    totalRelation: z.enum(['eq', 'gte']).describe('"eq": total is exact; "gte": there are more than 10,000 and total is 10,000'),
    items: z.array(
      z.object({
        documentId: z.uuid(),
        requestId: z.uuid(),
        title: z.string(),
        agency: z.object({ id: z.uuid(), name: z.string(), state: z.string() }),
        page: z.number().int(),
        snippet: z.string().describe('HTML: matched terms in <mark>, everything else escaped'),
        rank: z.number(),
        fileUrl: z.string().describe('The original file'),
        nearCopies: z
          .number()
          .int()
          .optional()
          .describe('With collapse=true: near copies of this document the caller may see, folded into it'),
      }),
    ),
    facets: z
      .object({ state: facetSchema, kind: facetSchema })
      .describe(
        'Matching pages by state and by kind; each ignores its own filter, so the other choices stay visible. Over more than 10,000 matches, counted over the first 10,001 found',
      ),
  })
  .meta({ id: 'SearchResults' })

export type SearchQuery = z.output<typeof searchQuery>
export type SearchResults = z.output<typeof searchResponse>
