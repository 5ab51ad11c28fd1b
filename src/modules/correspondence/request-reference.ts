/**
 * A request's reference: "RR-" and six characters of Crockford's base32 (digits and capitals
 * without I, L, O, U), e.g. "RR-8F3K2Q". It is put in brackets at the end of the subject of every
 * email to the agency, so a reply that lost its headers and went to a wrong address still names
 * its request. Reading one back follows Crockford: case does not matter, I and L read as 1, O as 0.
 * New references are drawn by the database (request_reference(), migration outbound_thread).
 */

export const REFERENCE_PREFIX = 'RR-'
/** Accepted when read back: references of 5 to 8 characters. */
export const REFERENCE_PATTERN = /^RR-[0-9A-HJKMNP-TV-Z]{5,8}$/

// Not part of a longer word: "RR-8F3K2Q" in "[RR-8F3K2Q]", "Re: … RR-8f3k2q", never "XRR-…" or "RR-8F3K2Q9Z1".
const IN_TEXT = /(?<![0-9A-Za-z])RR-([0-9A-Za-z]{5,8})(?![0-9A-Za-z-])/gi

/** The canonical spelling of what follows "RR-", or null when it is not Crockford base32. */
function canonical(chars: string): string | null {
  const normalized = chars.toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0')
  const reference = `${REFERENCE_PREFIX}${normalized}`
  return REFERENCE_PATTERN.test(reference) ? reference : null
}

/**
 * The request reference a subject names, canonical ("RR-8F3K2Q"), or null when it names none or
 * names two different ones (then the subject cannot tell which request it is about).
 */
export function parseRequestReference(subject: string): string | null {
  const found = new Set<string>()
  for (const match of subject.matchAll(IN_TEXT)) {
    const reference = canonical(match[1]!)
    if (reference) found.add(reference)
  }
  return found.size === 1 ? [...found][0]! : null
}

/** One line: line breaks and other control characters become spaces, runs of spaces one. */
export function oneLineSubject(subject: string): string {
  return subject
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The subject with the reference once at its end: unchanged when it already names this reference (and only it). */
export function withReference(subject: string, reference: string): string {
  const line = oneLineSubject(subject)
  if (parseRequestReference(line) === reference) return line
  return line === '' ? `[${reference}]` : `${line} [${reference}]`
}

/** "Re: <subject>" for an answer in a thread, without stacking "Re: Re: " (nor "AW:", "SV:"). */
export function replySubject(subject: string): string {
  const bare = oneLineSubject(subject).replace(/^((re|aw|sv)\s*(\[\d+\])?\s*:\s*)+/i, '')
  return `Re: ${bare}`
}
