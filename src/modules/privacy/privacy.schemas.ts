import { z } from 'zod'
import { PII_KINDS } from './pii-detectors.js'

/** Redactions one call may add. */
export const MAX_REDACTIONS_PER_CALL = 500
export const MAX_REDACTION_LENGTH = 500

export const suggestionSchema = z
  .object({
    page: z.number().int(),
    kind: z.enum(PII_KINDS),
    text: z.string(),
    start: z.number().int().describe('Offset of the text in the page’s original text (UTF-16 code units)'),
    end: z.number().int().describe('Offset just after it'),
    context: z.string().describe('The text around it, on one line'),
  })
  .meta({ id: 'RedactionSuggestion' })

export const suggestionsSchema = z.object({ items: z.array(suggestionSchema) })

export const redactionSchema = z
  .object({
    id: z.uuid(),
    page: z.number().int(),
    text: z.string().describe('Every occurrence on the page is taken out, whatever its case and line breaks'),
    createdAt: z.string(),
  })
  .meta({ id: 'Redaction' })

export const redactionListSchema = z.object({ items: z.array(redactionSchema) })

/** A redaction's page and text, as the API and the review form take them. */
export const redactionPage = z.number().int('must be a whole page number').min(1, 'must be a page number, 1 or more').max(1_000_000)
export const redactionText = z
  .string()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(MAX_REDACTION_LENGTH, `must be at most ${MAX_REDACTION_LENGTH} characters`)
  .refine((text) => !text.includes('\u0000'), 'must not contain NUL')

export const addRedactionsBody = z.strictObject({
  items: z
    .array(z.strictObject({ page: redactionPage, text: redactionText }))
    .min(1)
    .max(MAX_REDACTIONS_PER_CALL),
})

export const redactionParams = z.object({ id: z.uuid(), redactionId: z.uuid() })
