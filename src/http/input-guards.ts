import type { FastifyInstance } from 'fastify'
import { type FieldError, InvalidInputError } from '../errors.js'

// No route takes input nested this deep; deeper input is refused rather than left unchecked.
const MAX_DEPTH = 32
// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no `u` flag).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why PostgreSQL could not store this text (text refuses NUL, jsonb lone surrogates), or null. */
function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)'
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone surrogate (half of a UTF-16 pair, such as \\ud800)'
  return null
}

/** Every string, and every object key, under `value` that cannot be stored, by path. */
function unstorablePaths(value: unknown, path: string, found: FieldError[], depth = 0): FieldError[] {
  if (typeof value === 'string') {
    const problem = textProblem(value)
    if (problem) found.push({ path, message: problem })
  } else if (value !== null && typeof value === 'object') {
    if (depth >= MAX_DEPTH) {
      found.push({ path, message: `is nested more than ${MAX_DEPTH} levels deep` })
      return found
    }
    for (const [key, child] of Object.entries(value)) {
      const keyProblem = textProblem(key)
      if (keyProblem) found.push({ path: `${path}.${key}`, message: `field name ${keyProblem}` })
      unstorablePaths(child, `${path}.${key}`, found, depth + 1)
    }
  }
  return found
}

/** Refuses text PostgreSQL cannot store (NUL, lone surrogates) anywhere in the input, naming each place, before any handler sees it. */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found: FieldError[] = []
    unstorablePaths(request.params, 'params', found)
    unstorablePaths(request.query, 'querystring', found)
    unstorablePaths(request.body, 'body', found)
    if (found.length > 0) throw new InvalidInputError('Text may not contain NUL characters or lone surrogates.', found)
  })
}
