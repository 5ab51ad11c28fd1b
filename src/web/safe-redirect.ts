/**
 * Where a sign-in may send the browser afterwards: a path on this site only. Anything that could
 * leave it is refused (null): absolute URLs, scheme-relative `//host`, `/\host` (browsers read a
 * backslash as a slash), control characters, and paths back into sign-in itself.
 */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2_000) return null
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null
  if (/[\u0000-\u001f\u007f]/.test(value)) return null
  const base = 'http://same-origin.invalid'
  let url: URL
  try {
    url = new URL(value, base)
  } catch {
    return null
  }
  if (url.origin !== base) return null
  if (/^\/(login|logout)(\/|$)/.test(url.pathname)) return null
  return `${url.pathname}${url.search}${url.hash}`
}
