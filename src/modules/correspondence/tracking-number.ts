/**
 * The agency's own number for a request, as its acknowledgement states it, suggested for the
 * request's `trackingNumber`.
 *
 * Rules:
 * - GovQA's shape ("W012345-112526", "R000123-010226": a letter, six digits, a hyphen and the
 *   MMDDYY date) is recognised anywhere, unlabelled; it is specific enough.
 * - Anything else needs a label right before it: "Reference # P123", "Request #24-1234", "Request
 *   No. 24-1234", "Your request number is R000123-010226", "GovQA reference: …", "Tracking number:
 *   ABC-123", "PRR #…", "FOIA Request No. …", "Confirmation number …", "Request ID: …". A bare
 *   "Request 24-1234" counts only in NextRequest's year-number shape. "Case #" is left alone:
 *   in police mail it names the incident the records are about, not the request.
 * - The token must hold a digit and must not be a date, a phone number, an amount (no "$" is
 *   taken) or the service's own subject reference ("RR-…").
 * - The sender's text comes first (quoted text already removed), then the subject.
 */
const GOVQA = /\b([A-Z]\d{6}-\d{6})\b/
const LABEL =
  /\b(?:govqa\s+reference|reference|ref|tracking|confirmation|control|ticket|(?:public\s+)?records?\s+request|prr|pra|foia(?:\s+request)?|request)(?:\s*(?:number|num\.?|no\.?|id|#))?(?:\s+is)?\s*[:#]?\s*#?\s*([A-Z0-9][A-Z0-9-]{0,38}[A-Z0-9])(?![A-Z0-9-])/gi
const LABEL_MARKER = /(?:number|num\.?|no\.?|id|#|:|\bis)\s*#?\s*[A-Z0-9-]+$/i
const NEXTREQUEST = /^\d{2}-\d{1,6}$/
const OWN_REFERENCE = /^RR-/i
const DATE = /^(\d{1,4})[-/](\d{1,2})[-/](\d{2,4})$/
const PHONE = /^\d{3}-\d{3}-\d{4}$/

export function findTrackingNumber(text: string, subject: string): string | null {
  for (const source of [text, subject]) {
    const govqa = GOVQA.exec(source)
    if (govqa) return govqa[1]!
  }
  for (const source of [text, subject]) {
    for (const match of source.matchAll(LABEL)) {
      const token = match[1]!
      if (!LABEL_MARKER.test(match[0]) && !NEXTREQUEST.test(token)) continue
      if (isTrackingToken(token)) return token
    }
  }
  return null
}

function isTrackingToken(token: string): boolean {
  if (!/\d/.test(token) || token.length < 3) return false
  if (OWN_REFERENCE.test(token) || DATE.test(token) || PHONE.test(token)) return false
  return true
}
