import type { Template } from 'liquidjs'
import type { Jurisdiction } from '../jurisdictions/jurisdiction.js'
import type { RequestStatus } from '../requests/request-status.js'

export const TEMPLATE_KINDS = ['request', 'follow_up', 'appeal'] as const
export type TemplateKind = (typeof TEMPLATE_KINDS)[number]

/** A value the requester may (or must) supply when a letter is rendered. */
export interface TemplateVariable {
  /** snake_case; templates read it as `variables.<name>`. */
  name: string
  description: string
  required: boolean
  /** Used when the requester supplies nothing; null means an empty string for optional variables. */
  default: string | null
}

/** What the API shows of a template: plain, serialisable data. */
export interface TemplateSummary {
  slug: string
  title: string
  description: string
  kind: TemplateKind
  variables: TemplateVariable[]
}

/** A letter template as loaded from `templates/letters/<slug>.liquid`, parsed once at boot. */
export interface LetterTemplate extends TemplateSummary {
  /** The file it was loaded from (or a label for templates built from strings). */
  source: string
  /** Parsed Liquid, bound to the text engine of liquid.ts. Not serialisable. */
  subjectTemplate: Template[]
  bodyTemplate: Template[]
}

export interface LetterRequester {
  name: string
  email: string
  /**
   * Where the agency should answer by email: the request's own reply address (mail there joins the
   * request's thread and reaches the requester), or the requester's email in a preview made before
   * the request exists.
   */
  replyTo: string
  /** One line per address line, no blank lines. */
  mailingAddress: string | null
}

export interface LetterAgency {
  name: string
  city: string | null
  state: string
  mailingAddress: string | null
}

export interface LetterJurisdiction extends Omit<Jurisdiction, 'clocks'> {
  /**
   * The response period in words ("five business days", "ten calendar days"); null when the law
   * sets no fixed number of days. Null rather than "" because "" is truthy in Liquid.
   */
  responsePeriod: string | null
}

/** The request a follow-up or appeal letter is about. */
export interface LetterRequest {
  subject: string
  /** Long date, "March 2, 2026". */
  submittedOn: string
  /** Long date, or null when the law sets no fixed deadline. */
  dueOn: string | null
  /**
   * Long date the requester expected an answer by under a law with no fixed period (their choice or
   * PROMPT_RESPONSE_BUSINESS_DAYS); null otherwise. Never a statutory deadline: letters must not call it one.
   */
  expectedOn: string | null
  trackingNumber: string | null
  /** Calendar days since the due date (0 when not yet past it); null without a due date. */
  daysLate: number | null
  /** Calendar days since submission. */
  daysSinceSubmitted: number
  status: RequestStatus
  /** The status in words: "submitted", "awaiting a fee decision"… */
  statusLabel: string
}

/** Everything a letter template can read. Every field is own, plain data. */
export interface LetterContext {
  requester: LetterRequester
  agency: LetterAgency
  jurisdiction: LetterJurisdiction
  /** Long date, "November 22, 2026". */
  today: string
  /** The template's variables, resolved by resolveTemplateVariables (defaults applied). */
  variables: Record<string, string>
  /** Set for follow-up and appeal letters, null for new requests. */
  request: LetterRequest | null
}

export interface RenderedLetter {
  subject: string
  body: string
}
