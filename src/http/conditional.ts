/**
 * RFC 9110 §13.1.2: whether an If-None-Match header names `etag` (weak comparison, so `W/"x"`
 * matches `"x"`), or is `*`. Then the client's copy is current and a 304 answers it.
 */
export function ifNoneMatchHolds(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const wanted = etag.replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === wanted)
}
