/**
 * The part of a reply its sender wrote: the requester's own letter quoted back must not trigger
 * the status rules ("If you deny any part of this request…", "fees up to $50").
 *
 * Dropped:
 * - quoted lines (starting with ">", after any indentation);
 * - everything from the first quoted-history header on: "On … wrote:" (also wrapped over up to
 *   three lines), Outlook's "-----Original Message-----", and Outlook's header block ("From: …"
 *   followed within five lines by "Sent:"/"Date:" and "To:"/"Subject:");
 * - standard legal footers that would read as a decision: confidentiality notices ("…privileged,
 *   confidential, or exempt from disclosure under applicable law…", "intended recipient") and
 *   Florida's "e-mail addresses are public records" notice.
 * Forwarded messages ("---------- Forwarded message ---------") are kept: what a clerk forwards is
 * usually the agency's own words (the records division's answer).
 */
const ORIGINAL_MESSAGE = /^-{2,}\s*original message\s*-{2,}$/i
const OUTLOOK_FROM = /^\*?(from|de|von):\*?\s+\S/i
const OUTLOOK_SENT = /^\*?(sent|date|envoyé|gesendet):\*?\s+\S/i
const OUTLOOK_TO_OR_SUBJECT = /^\*?(to|subject|objet|betreff|an):\*?\s/i
const WROTE = /^on\b[\s\S]{0,300}\bwrote:$/i

const DISCLAIMERS = [
  /\bintended recipients?\b/i,
  /\bconfidentiality notice\b/i,
  /\be-?mail addresses are public records\b/i,
  /\bthis (e-?mail|message|communication|transmission)\b[^.]{0,120}\b(privileged|confidential)\b/i,
]

export function authoredText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const kept: string[] = []
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim()
    if (line.startsWith('>')) continue
    if (startsQuotedHistory(lines, index)) break
    kept.push(lines[index]!)
  }
  return kept
    .join('\n')
    .split(/\n[ \t]*\n/)
    .filter((paragraph) => !DISCLAIMERS.some((pattern) => pattern.test(paragraph)))
    .join('\n\n')
    .trim()
}

function startsQuotedHistory(lines: string[], index: number): boolean {
  const line = lines[index]!.trim()
  if (ORIGINAL_MESSAGE.test(line)) return true
  if (/^on\b/i.test(line)) {
    let joined = line
    for (let next = index; next < Math.min(index + 3, lines.length); next++) {
      if (next > index) joined += ` ${lines[next]!.trim()}`
      if (WROTE.test(joined)) return true
    }
  }
  if (OUTLOOK_FROM.test(line)) {
    const following = lines.slice(index + 1, index + 6).map((next) => next.trim())
    return following.some((next) => OUTLOOK_SENT.test(next)) && following.some((next) => OUTLOOK_TO_OR_SUBJECT.test(next))
  }
  return false
}
