import { z } from 'zod'

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem document' })

export type Problem = z.infer<typeof problemSchema>

export function problem(status: number, code: string, title: string, detail: string, errors?: Problem['errors']): Problem {
  return { type: `/problems/${code}`, title, status, detail, ...(errors ? { errors } : {}) }
}

/** Error responses every route may give, for the OpenAPI document. */
export const problemResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  413: problemSchema,
  415: problemSchema,
  422: problemSchema,
  429: problemSchema,
} as const

/** What a rate-limited route adds (see src/http/rate-limits.ts). */
export const rateLimitedResponses = { 429: problemSchema } as const
