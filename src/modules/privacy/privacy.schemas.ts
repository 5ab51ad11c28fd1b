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

export const addRedactionsBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        page: z.number().int().min(1).max(1_000_000),
        text: z
          .string()
          .trim()
          .min(2, 'must be at least 2 characters')
          .max(MAX_REDACTION_LENGTH)
          .refine((text) => !text.includes('\u0000'), 'must not contain NUL'),
      }),
    )
    .min(1)
    .max(MAX_REDACTIONS_PER_CALL),
})

export const redactionParams = z.object({ id: z.uuid(), redactionId: z.uuid() })
