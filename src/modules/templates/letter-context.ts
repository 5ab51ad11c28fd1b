import { type CalendarDate, daysBetween, formatLongDate } from '../deadlines/calendar-date.js'
import type { Jurisdiction } from '../jurisdictions/jurisdiction.js'
import type { RequestStatus } from '../requests/request-status.js'
import { describeResponsePeriod } from './response-period.js'
import type { LetterAgency, LetterContext, LetterJurisdiction, LetterRequest, LetterRequester } from './template.types.js'

export interface LetterContextInput {
  /** replyTo: the request's reply address; the requester's email when absent (a preview before the request exists). */
  requester: { name: string; email: string; mailingAddress?: string | null; replyTo?: string | null }
  agency: { name: string; city?: string | null; state: string; mailingAddress?: string | null }
  /** Extra fields (a database row's `sources`, `notes`) are dropped: templates see only Jurisdiction. */
  jurisdiction: Jurisdiction
  /** The date the letter is written, in the jurisdiction's calendar. */
  today: CalendarDate
  /** Resolved variables (see resolveTemplateVariables). */
  variables: Record<string, string>
  /** The request a follow-up or appeal is about; null or absent for a new request. */
  request?: {
    subject: string
    submittedOn: CalendarDate
    dueOn: CalendarDate | null
    /** Under a law with no fixed period: the date the requester expected an answer by (never statutory). */
    expectedOn?: CalendarDate | null
    trackingNumber: string | null
    status: RequestStatus
  } | null
}

/** How a request's status reads inside a sentence ("the request is …"). */
export const STATUS_LABELS: Record<RequestStatus, string> = {
  draft: 'not yet submitted',
  submitted: 'submitted',
  acknowledged: 'acknowledged',
  awaiting_fee: 'awaiting a fee payment',
  awaiting_clarification: 'awaiting clarification',
  partially_fulfilled: 'partially fulfilled',
  fulfilled: 'fulfilled',
  no_records: 'answered with no records',
  rejected: 'denied',
  appealed: 'under appeal',
  withdrawn: 'withdrawn',
}

/**
 * The fields templates may read, per context object. Typed as Record<keyof …> so adding a field to
 * a context type without listing it here fails to compile; the catalog checks every template's
 * references against these lists at boot.
 */
export const LETTER_CONTEXT_FIELDS = {
  requester: { name: true, email: true, replyTo: true, mailingAddress: true } satisfies Record<keyof LetterRequester, true>,
  agency: { name: true, city: true, state: true, mailingAddress: true } satisfies Record<keyof LetterAgency, true>,
  jurisdiction: {
    code: true,
    name: true,
    lawName: true,
    citation: true,
    responseDays: true,
    dayType: true,
    extensionDays: true,
    responseRuleText: true,
    appealProcess: true,
    feeNotes: true,
    timezone: true,
    responsePeriod: true,
  } satisfies Record<keyof LetterJurisdiction, true>,
  request: {
    subject: true,
    submittedOn: true,
    dueOn: true,
    expectedOn: true,
    trackingNumber: true,
    daysLate: true,
    daysSinceSubmitted: true,
    status: true,
    statusLabel: true,
  } satisfies Record<keyof LetterRequest, true>,
} as const

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim()
}

/** Keeps an address's lines but drops blank ones, so it stays one block of the signature. */
function addressLines(value: string | null | undefined): string | null {
  const lines = (value ?? '')
    .split(/\r?\n/)
    .map(oneLine)
    .filter((line) => line !== '')
  return lines.length > 0 ? lines.join('\n') : null
}

function emptyToNull(value: string | null | undefined): string | null {
  const trimmed = oneLine(value ?? '')
  return trimmed === '' ? null : trimmed
}

/**
 * Builds the context a letter template renders against from plain inputs: picks the jurisdiction
 * fields, adds the response period in words, formats dates and counts days. Pure: `today` is given.
 */
export function buildLetterContext(input: LetterContextInput): LetterContext {
  const { jurisdiction: j, request } = input
  const jurisdiction: LetterJurisdiction = {
    code: j.code,
    name: j.name,
    lawName: j.lawName,
    citation: j.citation,
    responseDays: j.responseDays,
    dayType: j.dayType,
    extensionDays: j.extensionDays,
    responseRuleText: j.responseRuleText,
    appealProcess: j.appealProcess,
    feeNotes: j.feeNotes,
    timezone: j.timezone,
    responsePeriod: describeResponsePeriod(j),
  }
  return {
    requester: {
      name: oneLine(input.requester.name),
      email: oneLine(input.requester.email),
      replyTo: oneLine(input.requester.replyTo ?? input.requester.email),
      mailingAddress: addressLines(input.requester.mailingAddress),
    },
    agency: {
      name: oneLine(input.agency.name),
      city: emptyToNull(input.agency.city),
      state: oneLine(input.agency.state),
      mailingAddress: addressLines(input.agency.mailingAddress),
    },
    jurisdiction,
    today: formatLongDate(input.today),
    variables: { ...input.variables },
    request: request
      ? {
          subject: oneLine(request.subject),
          submittedOn: formatLongDate(request.submittedOn),
          dueOn: request.dueOn === null ? null : formatLongDate(request.dueOn),
          expectedOn: request.dueOn === null && request.expectedOn ? formatLongDate(request.expectedOn) : null,
          trackingNumber: emptyToNull(request.trackingNumber),
          daysLate: request.dueOn === null ? null : Math.max(0, daysBetween(request.dueOn, input.today)),
          daysSinceSubmitted: Math.max(0, daysBetween(request.submittedOn, input.today)),
          status: request.status,
          statusLabel: STATUS_LABELS[request.status],
        }
      : null,
  }
}
