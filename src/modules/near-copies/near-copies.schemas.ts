import { z } from 'zod'

export const compareParams = z.object({ id: z.uuid(), otherId: z.uuid() })

export const similarResponse = z
  .object({
    items: z.array(
      z.object({
        documentId: z.uuid(),
        requestId: z.uuid(),
        title: z.string(),
        agency: z.object({ id: z.uuid(), name: z.string(), state: z.string() }),
        similarity: z
          .number()
          .describe('0 to 1: the share of the longer document’s pages matched in order, weighted by how alike they are'),
      }),
    ),
    total: z.number().int().describe('Near copies the caller may see (items lists at most 100 of them)'),
    otherAgencies: z.number().int().describe('Agencies other than this document’s that released one of them'),
  })
  .meta({ id: 'SimilarDocuments' })

export const compareResponse = z
  .object({
    similarity: z.number(),
    changes: z.array(
      z.object({
        page: z.number().int().nullable().describe('Page of the first document; null for a page only the other has'),
        otherPage: z.number().int().nullable().describe('Page of the other document; null for a page only the first has'),
        op: z.enum(['equal', 'insert', 'delete']).describe('delete: only the first has these words; insert: only the other'),
        text: z.string().describe('The words, joined by single spaces'),
      }),
    ),
  })
  .meta({ id: 'DocumentComparison' })
