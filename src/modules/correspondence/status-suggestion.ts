/**
 * A status the agency's words suggest, as the event the requester would log to confirm it (see
 * requests/request-status.ts). Plain rules over the sender's own text (quoted text removed first,
 * see quoted-text.ts); shown as a suggestion, never applied by itself.
 *
 * Signals, each a set of phrases matched in one sentence-spaced text:
 * - acknowledged: "we have received your request", "your request has been received" (or assigned),
 *   "assigned reference number", "in receipt of your request", "acknowledge receipt";
 * - fee: a dollar amount in a sentence about a fee, cost, charge, deposit, payment, invoice, total
 *   or check, not waived, not already paid (the amount named as a total or amount due, else the
 *   first); or "a deposit … is required";
 * - clarification: "please clarify", "could you narrow", "more specific", "need clarification";
 * - release (strong): "attached are the records", "responsive records are attached", "please find
 *   attached the records", "records are available for download", "records have been released",
 *   "I've uploaded the responsive documents"; release (weak): "please find attached", "see
 *   attached" with no records named;
 * - partial: "portions have been redacted", "withheld in part", "partially granted", "released in part";
 * - denied: "denied", "exempt from disclosure under", "we are unable to provide", "withheld in its
 *   entirety", "not disclosable", "will be withheld";
 * - no records: "no responsive records", "no records responsive", "did not locate any records",
 *   "there are no records", "no records of".
 *
 * One event wins, in this order (a letter often says several things; the strongest step counts):
 * 1. partial_release: a partial phrase; or records released (either kind) with redactions; or
 *    records released (strong) with a denial or a no-records finding (some given, some not);
 * 2. fulfilled: records released (strong), or weak with no fee, denial, no-records or question;
 * 3. fee_requested (with `feeAmount` when the text names one);
 * 4. no_records (before a denial: no-records letters cite appeal rights for "denials");
 * 5. clarification_requested (before a denial: "as written the request is denied, could you narrow
 *    it" leaves the requester a step to take);
 * 6. rejected;
 * 7. acknowledged (nearly every answer opens with "we have received your request").
 */
import type { EventType } from '../requests/request-status.js'

/** The events a reply's text may suggest, each moving the request to the status the reply names. */
export const SUGGESTED_EVENTS = [
  'acknowledged',
  'fee_requested',
  'clarification_requested',
  'partial_release',
  'fulfilled',
  'no_records',
  'rejected',
] as const satisfies readonly EventType[]
export type SuggestedEvent = (typeof SUGGESTED_EVENTS)[number]

export interface StatusSuggestion {
  event?: SuggestedEvent
  /** The fee as a plain decimal ("1250.00"), for the `fee_requested` event's amount. */
  feeAmount?: string
}

const REQUEST = '(?:public |open |foia |pra |prr |records? )*request'
const ACKNOWLEDGED = [
  new RegExp(
    String.raw`\b(?:we|i|this office|our office|the (?:department|office|unit|division|city|county)) (?:have|has) (?:now )?received your ${REQUEST}`,
  ),
  // "your request has been received", "Request #26-1187 has been submitted", "your records request number 2026-0457 was logged"
  new RegExp(String.raw`\b${REQUEST} (?:#\s?[\w-]+ |(?:number|no\.) [\w-]+ )?(?:has been|was|is) (?:received|submitted|logged|assigned)\b`),
  /\bassigned (?:a |the )?(?:reference|tracking|request|control|confirmation) (?:number|no\b|#)/,
  /\b(?:are|is) in receipt of your\b/,
  /\backnowledg(?:e|es|ing) (?:the )?receipt of your\b/,
  /\bthis (?:e-?mail|message|letter) (?:is to )?(?:acknowledges?|confirms?) (?:receipt|that we (?:have )?received)\b/,
]
const CLARIFICATION = [
  /\bplease clarify\b/,
  /\b(?:could|can|would) you (?:please )?(?:narrow|clarify|specify|be more specific|provide (?:more|additional) (?:details|information))\b/,
  /\bmore specific\b/,
  /\bnarrow (?:the scope of )?(?:your|the|this) request\b/,
  /\b(?:need|needs|require|requires|request|requesting) (?:some |further |additional )?clarification\b/,
]
const STRONG_RELEASE = [
  /\battached (?:are|is|please find|you will find) (?:the |all |copies of the |a copy of the )?(?:responsive |requested )?(?:records|documents)\b/,
  /\b(?:please find|i have|we have|i've) attached (?:the |all |copies of the |a copy of the )?(?:responsive |requested )?(?:records|documents|emails|communications)\b/,
  /\b(?:responsive|requested) (?:records|documents) (?:are|is|have been) (?:attached|enclosed)\b/,
  /\b(?:records|documents) (?:are|is) (?:now )?available (?:for download|to download|for pickup|in the portal|online)\b/,
  /\b(?:records|documents) (?:have|has) been (?:released|uploaded|posted|produced)\b/,
  /\b(?:we are|i am) (?:now )?releasing (?:the |all )?(?:responsive )?(?:records|documents)\b/,
  /\b(?:i|we) ?(?:have|'ve) (?:uploaded|posted|shared) (?:the |all )?(?:responsive |requested )?(?:records|documents|files)\b/,
]
const WEAK_RELEASE = [
  /\bplease find (?:attached|enclosed)\b/,
  /\battached please find\b/,
  /\bsee (?:the )?attached\b/,
  /\benclosed (?:are|please find)\b/,
]
const PARTIAL = [
  /\bportions? (?:of (?:the|these|this) (?:records?|documents?) )?(?:have|has) been redacted\b/,
  /\bwithheld in part\b/,
  /\b(?:partially|partly) (?:granted|released|denied)\b/,
  /\b(?:granted|released|denied) in part\b/,
]
const REDACTED = /\bredact(?:ed|ions?)\b/
const DENIED = [
  /\b(?:is|are|has been|have been|must be|was|were) (?:respectfully )?denied\b/,
  /\bden(?:y|ies|ying) (?:your|this|the) request\b/,
  /\bexempt from (?:public )?disclosure under\b/,
  /\bwe are unable to provide\b/,
  /\bwithheld in (?:its|their) entirety\b/,
  /\bdeclines? to (?:release|produce|disclose)\b/,
  /\bnot (?:disclosable|subject to (?:public )?disclosure)\b/,
  /\bwill (?:not be (?:released|disclosed|produced)|be withheld)\b/,
]
const NO_RECORDS = [
  /\bno (?:responsive|such) (?:records|documents)\b/,
  /\bno (?:records|documents) (?:responsive|were (?:found|located)|exist|matching)\b/,
  /\b(?:did|does|could|do) not (?:locate|find|identify|have|maintain|possess) any (?:responsive )?(?:records|documents)\b/,
  /\bunable to (?:locate|find|identify) any (?:responsive )?(?:records|documents)\b/,
  /\bthere (?:are|were|is) no (?:responsive )?(?:records|documents)\b/,
  /\bno (?:records|documents) (?:of|regarding|concerning|related to)\b/,
]
/** An amount with the few words before it (for the total cue). */
const AMOUNTS = /((?:\S+ ){0,4})\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?\b/g
const TOTAL_CUE = /\b(?:total|amount due|balance(?: due)?|total due)\b[^$]*$/
const FEE_WORDS =
  /\b(?:fees?|costs?|charges?|deposit|payment|invoice|estimated?|remit|pay|owe|due|total|per page|payable|made out to|money order|check for)\b/
const FEE_SETTLED =
  /\b(?:waived?|waiving|no (?:fee|charge|cost)|free of charge|thank you for (?:your )?payment|(?:has|have) been paid|paid in full|received (?:your )?payment|payment (?:was |has been )?received|refund)\b/
const DEPOSIT_REQUIRED = /\bdeposit (?:of [^.]{1,40} )?(?:is|will be) required\b/

export function suggestStatus(text: string): StatusSuggestion {
  const flat = text.replace(/\s+/g, ' ').toLowerCase()
  const matches = (patterns: RegExp[]) => patterns.some((pattern) => pattern.test(flat))
  const fee = feeRequested(text.toLowerCase())
  const strongRelease = matches(STRONG_RELEASE)
  const weakRelease = matches(WEAK_RELEASE)
  const denied = matches(DENIED)
  const noRecords = matches(NO_RECORDS)
  const clarification = matches(CLARIFICATION)
  const feeAmount = fee?.amount ? { feeAmount: fee.amount } : {}

  if (matches(PARTIAL) || ((strongRelease || weakRelease) && REDACTED.test(flat)) || (strongRelease && (denied || noRecords))) {
    return { event: 'partial_release' }
  }
  if (strongRelease || (weakRelease && !fee && !denied && !noRecords && !clarification)) return { event: 'fulfilled' }
  if (fee) return { event: 'fee_requested', ...feeAmount }
  if (noRecords) return { event: 'no_records' }
  if (clarification) return { event: 'clarification_requested' }
  if (denied) return { event: 'rejected' }
  if (matches(ACKNOWLEDGED)) return { event: 'acknowledged' }
  return {}
}

/**
 * The fee asked for, when the text asks for one: the amount named as a total, an amount due or a
 * balance, else the first amount in a sentence about a fee ("$0.10 per page, for a total of $18.40").
 */
function feeRequested(lowered: string): { amount: string | null } | null {
  let first: string | null = null
  let asked = false
  for (const sentence of lowered.split(/(?<=[.!?;])\s+|\n[ \t]*\n/).map((part) => part.replace(/\s+/g, ' '))) {
    if (FEE_SETTLED.test(sentence)) continue
    if (DEPOSIT_REQUIRED.test(sentence)) asked = true
    if (!FEE_WORDS.test(sentence)) continue
    for (const amount of sentence.matchAll(AMOUNTS)) {
      const value = `${amount[2]!.replace(/,/g, '')}.${amount[3] ?? '00'}`
      if (TOTAL_CUE.test(amount[1]!)) return { amount: value }
      first ??= value
      asked = true
    }
  }
  return asked ? { amount: first } : null
}
