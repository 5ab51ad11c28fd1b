import type { FastifyInstance } from 'fastify'
import { BadRequestError, type FieldError } from './errors.js'

const MAX_DEPTH = 32

/** Paths of every string under `value` that holds a NUL character, which PostgreSQL text cannot store. */
function nulPaths(value: unknown, path: string, found: FieldError[], depth = 0): FieldError[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push({ path, message: 'must not contain the NUL character (\\u0000)' })
  } else if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
    for (const [key, child] of Object.entries(value)) nulPaths(child, `${path}.${key}`, found, depth + 1)
  }
  return found
}

/** Refuses NUL characters anywhere in the input, naming each place, before any handler sees it. */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found: FieldError[] = []
    nulPaths(request.params, 'params', found)
    nulPaths(request.query, 'querystring', found)
    nulPaths(request.body, 'body', found)
    if (found.length > 0) throw new BadRequestError('Text may not contain NUL characters.', found)
  })
}
