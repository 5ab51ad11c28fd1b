import { z } from 'zod'
import { InvalidInputError } from '../errors.js'

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25).describe('Items per page, 1 to 100'),
  cursor: z.string().max(512).optional().describe('nextCursor of the previous page; omit for the first page'),
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}

/** Keyset cursors: the sort key of the last item, opaque to clients. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

export function decodeCursor<T extends readonly (string | number)[]>(cursor: string, shape: z.ZodType<T>): T {
  try {
    return shape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
  } catch {
    throw new InvalidInputError('The cursor is not one this API gave out.', [{ path: 'querystring.cursor', message: 'Invalid cursor' }])
  }
}

export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  keyOf: (row: Row) => readonly (string | number)[],
) {
  const pageRows = rows.slice(0, limit)
  const last = pageRows.at(-1)
  return {
    items: pageRows.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  }
}
