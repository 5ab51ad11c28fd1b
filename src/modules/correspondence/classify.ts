/**
 * What an inbound message is, from its content alone (pure: no I/O, no database).
 *
 * 1. A delivery report (bounce.ts): a failure is `bounce` (the ingest marks the outbound message
 *    whose Message-ID it names `failed` with `reason`, and tells the requester); a delay notice is
 *    `auto_reply` carrying `bounce` with `permanent: false` (the sending server is still retrying:
 *    the ingest keeps it in the thread and changes no delivery; a failure report follows if it
 *    gives up); a success notice is `auto_reply` without `bounce`.
 * 2. Automated mail (auto-reply.ts) is `auto_reply` and changes nothing by itself. Records portals
 *    (GovQA, NextRequest, JustFOIA) send their acknowledgements and notices as automated mail, and
 *    those matter: so an autoresponder's message still yields the tracking number it states (and
 *    `acknowledged` when it says the request was received and names its number), and mail a system
 *    generated (a portal's notice) gets the same suggestions as a person's reply. An out-of-office
 *    note ("I have received your email, I am away until…") names no number and suggests nothing.
 * 3. Anything else is a `reply`, with suggestions from its own text (status-suggestion.ts,
 *    tracking-number.ts) after the quoted letter is removed (quoted-text.ts).
 * Suggestions are never applied by the ingest: the requester confirms one with one event of the
 * suggested type (`fee_requested` with `feeAmount` as its amount, `trackingNumber` for the request).
 */
import type { ParsedMail } from 'mailparser'
import { autoReplyKind } from './auto-reply.js'
import { type BounceReport, readDeliveryReport } from './bounce.js'
import { authoredText } from './quoted-text.js'
import { type SuggestedEvent, suggestStatus } from './status-suggestion.js'
import { findTrackingNumber } from './tracking-number.js'

export type { BounceReport } from './bounce.js'
export { SUGGESTED_EVENTS, type SuggestedEvent } from './status-suggestion.js'

export interface InboundSuggestion {
  /** The event the requester would log to confirm the suggested status. */
  event?: SuggestedEvent
  /** With `fee_requested`: the amount as a plain decimal ("1250.00"). */
  feeAmount?: string
  trackingNumber?: string
}

export interface InboundClassification {
  kind: 'reply' | 'auto_reply' | 'bounce'
  bounce?: BounceReport
  suggestion?: InboundSuggestion
}

/**
 * How much of the text the rules read: an answer states its decision near the top, and a bound
 * keeps a hostile multi-megabyte body from costing more than a few milliseconds.
 */
export const CLASSIFIED_TEXT_CHARS = 100_000

export function classifyInbound(mail: ParsedMail): InboundClassification {
  const report = readDeliveryReport(mail)
  if (report?.outcome === 'other') return { kind: 'auto_reply' }
  // A delay's report has `permanent: false`: the server still retries, so only a failure is a bounce.
  if (report) return { kind: report.outcome === 'failed' ? 'bounce' : 'auto_reply', bounce: report.report }

  const text = authoredText((mail.text ?? '').slice(0, CLASSIFIED_TEXT_CHARS))
  const trackingNumber = findTrackingNumber(text, mail.subject ?? '') ?? undefined
  const automated = autoReplyKind(mail)
  if (automated === 'responder') {
    const acknowledged = trackingNumber !== undefined && suggestStatus(text).event === 'acknowledged'
    return withSuggestion({ kind: 'auto_reply' }, { ...(acknowledged ? { event: 'acknowledged' } : {}), trackingNumber })
  }
  return withSuggestion({ kind: automated ? 'auto_reply' : 'reply' }, { ...suggestStatus(text), trackingNumber })
}

function withSuggestion(classification: InboundClassification, suggestion: InboundSuggestion): InboundClassification {
  const present = Object.fromEntries(Object.entries(suggestion).filter(([, value]) => value !== undefined)) as InboundSuggestion
  return Object.keys(present).length > 0 ? { ...classification, suggestion: present } : classification
}
