import { renderLetterPdf } from '../../adapters/pdf/letter-pdf.js'
import type { AppContext } from '../../context.js'
import { InvalidInputError, RuleViolationError } from '../../errors.js'
import { findRequester } from '../accounts/accounts.repository.js'
import type { AuthUser } from '../accounts/accounts.service.js'
import { formatLongDate, localDateOf } from '../deadlines/calendar-date.js'
import type { Jurisdiction } from '../jurisdictions/jurisdiction.js'
import { buildLetterContext, type LetterContextInput } from '../templates/letter-context.js'
import { renderLetter } from '../templates/letter-renderer.js'
import type { LetterTemplate } from '../templates/template.types.js'
import { resolveTemplateVariables } from '../templates/template-variables.js'
import { findVisibleRequest } from './request-access.js'
import type { RequestWithAgency } from './requests.repository.js'

interface LetterInput {
  template: LetterTemplate
  agency: LetterContextInput['agency']
  jurisdiction: Jurisdiction
  requester: LetterContextInput['requester']
  variables: Record<string, unknown>
  request: LetterContextInput['request']
}

/** Renders a letter dated today in the agency's jurisdiction; invalid variables are a 400 listing each one. */
export function renderLetterFor(deps: Pick<AppContext, 'clock'>, input: LetterInput) {
  const resolved = resolveTemplateVariables(input.template, input.variables)
  if (!resolved.ok) {
    throw new InvalidInputError(
      'Some template variables are invalid.',
      resolved.errors.map((error) => ({ path: `body.${error.path}`, message: error.message })),
    )
  }
  const context = buildLetterContext({
    requester: input.requester,
    agency: input.agency,
    jurisdiction: input.jurisdiction,
    today: localDateOf(deps.clock.now(), input.jurisdiction.timezone),
    variables: resolved.variables,
    request: input.request,
  })
  return { ...renderLetter(input.template, context), variables: resolved.variables }
}

/** What a follow-up or appeal letter needs to know about the request it is about. */
export function letterRequestOf(found: RequestWithAgency): NonNullable<LetterContextInput['request']> {
  const { request, timezone } = found
  if (!request.submittedAt) {
    throw new RuleViolationError('Follow-up and appeal letters are for requests that have been submitted.', [
      { path: 'body.requestId', message: 'The request is still a draft' },
    ])
  }
  return {
    subject: request.subject,
    submittedOn: localDateOf(request.submittedAt, timezone),
    dueOn: request.dueDate,
    expectedOn: request.expectedResponseOn,
    trackingNumber: request.trackingNumber,
    status: request.status,
  }
}

function addressLines(address: string | null): string[] {
  return (address ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

function filenameFor(agencyName: string): string {
  const slug = agencyName
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 60)
  return `records-request-${slug || 'agency'}.pdf`
}

export interface Requester {
  name: string
  email: string
  mailingAddress: string | null
}

/** The request's own address (`<replyKey>@REPLY_DOMAIN`): its letters come from it and the agency's answers go to it. */
export function replyAddressOf(replyDomain: string, request: Pick<RequestWithAgency['request'], 'replyKey'>): string {
  return `${request.replyKey}@${replyDomain}`
}

/**
 * The letter PDF, dated the day it was submitted (or today while a draft). Its letterhead gives the
 * request's reply address, as the letter's text does, so answers join the request's thread.
 */
export async function letterPdfOf(
  found: RequestWithAgency,
  requester: Requester,
  now: Date,
  replyDomain: string,
): Promise<{ pdf: Buffer; filename: string }> {
  const { request, agency, timezone } = found
  const letterDate = localDateOf(request.submittedAt ?? now, timezone)
  const agencyLines = addressLines(agency.mailingAddress)
  const pdf = await renderLetterPdf({
    requester: { name: requester.name, lines: [...addressLines(requester.mailingAddress), replyAddressOf(replyDomain, request)] },
    date: formatLongDate(letterDate),
    agency: {
      name: 'Public Records Officer',
      lines: [agency.name, ...(agencyLines.length > 0 ? agencyLines : [[agency.city, agency.state].filter(Boolean).join(', ')])],
    },
    subject: request.subject,
    body: request.body,
  })
  return { pdf, filename: filenameFor(agency.name) }
}

/** The letter as it was sent (dated the day it was submitted) or as it will be sent (dated today). */
export async function renderRequestPdf(deps: Pick<AppContext, 'db' | 'clock' | 'config'>, user: AuthUser, id: string) {
  const found = await findVisibleRequest(deps.db, user, id)
  return letterPdfOf(found, await findRequester(deps.db, found.request.userId), deps.clock.now(), deps.config.replyDomain)
}
