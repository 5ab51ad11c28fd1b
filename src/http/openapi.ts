/**
 * Corrections to the OpenAPI document that the zod transform cannot express: error answers are
 * RFC 9457 problem documents (`application/problem+json`) whatever a route's success type, and
 * routes that answer bytes (a PDF, a stored file, an HTML page) say so instead of "JSON of any shape".
 */

/** A success answer that is not JSON, for the OpenAPI document only (see transformRoute). */
export interface DocumentedResponse {
  description: string
  /** Media types the route may answer with; the body is bytes (or text for text/*). */
  contentTypes: string[]
}

declare module 'fastify' {
  interface FastifyContextConfig {
    documentedResponse?: DocumentedResponse
  }
}

const PROBLEM = 'application/problem+json'

type Schema = Record<string, unknown>
interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>
}

/** The 200 answer of a route that sends bytes, as fastify-swagger takes it (a `content` map). */
export function documentedSuccess(response: DocumentedResponse) {
  return {
    description: response.description,
    content: Object.fromEntries(
      response.contentTypes.map((type) => [
        type,
        { schema: type.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' } },
      ]),
    ),
  }
}

/** Every error answer of every operation typed as a problem document, with the Problem schema. */
export function typeErrorsAsProblems<T extends object>(document: T): T {
  const { paths } = document as { paths?: Record<string, Record<string, unknown>> }
  for (const operations of Object.values(paths ?? {})) {
    for (const operation of Object.values(operations) as Operation[]) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) < 400 || !response.content) continue
        const schema = Object.values(response.content)[0]?.schema
        response.content = { [PROBLEM]: { schema: schema ?? {} } }
      }
    }
  }
  return document
}
