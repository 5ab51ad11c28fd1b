import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Liquid, Template } from 'liquidjs'
import { z } from 'zod'
import { REMINDER_KINDS, type ReminderKind } from '../deliveries/reminder-plan.js'
import { normalizeLetterText } from './letter-renderer.js'
import {
  type ContextReference,
  checkReferences,
  collectLoadFailure,
  hasFrontMatter,
  htmlEngine,
  isSizeOnly,
  parseLiquid,
  readFrontMatter,
  renderLiquid,
  TemplateLoadError,
  textEngine,
  throwLoadFailures,
} from './liquid.js'

export const EMAIL_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/emails/', import.meta.url))

/**
 * Every email template; each is two files in EMAIL_TEMPLATES_DIR: `<name>.txt.liquid` (YAML front
 * matter with the subject, then the plain-text body) and `<name>.html.liquid` (the HTML body).
 */
export const EMAIL_TEMPLATE_NAMES = [
  'reminder-due_soon',
  'reminder-due_today',
  'reminder-overdue',
  'reminder-follow_up',
  'reminder-appeal_window',
  'reminder-digest',
  'agency-follow-up',
  'letter',
  'delivery-failed',
  'deadline-moved',
  'requester-copy',
  'agency-replied',
  'sign-up-token',
  'sign-up-again',
  'sign-in-link',
] as const
export type EmailTemplateName = (typeof EMAIL_TEMPLATE_NAMES)[number]

/** A letter rendered from a letter template (renderLetter): one-line subject, plain-text body. */
export interface EmailLetter {
  subject: string
  body: string
}

/** A reminder to the requester about their request's statutory deadline. */
export interface ReminderEmailContext {
  kind: ReminderKind
  requester: { name: string; email: string }
  /** email: where letters to the agency go; null when the agency takes requests another way. */
  agency: { name: string; email: string | null }
  request: {
    id: string
    subject: string
    trackingNumber: string | null
    /** `{PUBLIC_URL}/requests/{id}`, http(s) only. */
    url: string
    /** Mutes reminders for this request, http(s) only. */
    muteUrl: string
    /** Long date, "March 2, 2026". */
    submittedOn: string
  }
  law: { name: string; citation: string }
  /** Long date, "December 1, 2026". */
  dueOn: string
  /** Calendar days past the due date (0 when not late). */
  daysLate: number
  /** The `follow-up` letter, ready to send; required for overdue and follow_up, else null. */
  followUpLetter: EmailLetter | null
  /** Overdue and follow-up reminders the requester was sent before this one for this request. */
  earlierFollowUps: number
  /** The service emails the follow-up letter to the agency itself (autoFollowUp), so there is nothing to forward. */
  agencyEmailed: boolean
  /**
   * Null for a statutory due date. Under a law with no fixed period, `dueOn` is only the date the
   * requester expects an answer by (deadlines/prompt-response.ts), and this says so in words.
   */
  expectedNote: string | null
}

/** One request in a reminder digest. */
export interface ReminderDigestItem {
  kind: 'due_soon' | 'due_today' | 'overdue' | 'follow_up'
  agencyName: string
  /** Where letters to the agency go; null when it takes requests another way. */
  agencyEmail: string | null
  subject: string
  trackingNumber: string | null
  /** `{PUBLIC_URL}/requests/{id}`, http(s) only. */
  url: string
  /** Mutes reminders for this request, http(s) only. */
  muteUrl: string
  submittedOn: string
  dueOn: string
  daysLate: number
  lawName: string
  lawCitation: string
  /** The follow-up letter for overdue and follow_up items (null otherwise), numbered in the email by `letterNumber`. */
  followUpLetter: EmailLetter | null
  letterNumber: number
  agencyEmailed: boolean
  /** As ReminderEmailContext's: null for a statutory due date. */
  expectedNote: string | null
}

/** One email for all the reminders a requester has due the same day. */
export interface ReminderDigestEmailContext {
  requester: { name: string; email: string }
  /** Most urgent first: overdue (longest first), due today, due soon. */
  reminders: ReminderDigestItem[]
  overdueCount: number
  /** `{PUBLIC_URL}/me`, http(s) only. */
  dashboardUrl: string
}

/**
 * A letter emailed to the agency: the request letter on submission (`letter`, the caller attaches
 * the PDF) or a follow-up (`agency-follow-up`). The email's subject and body are the letter's.
 */
export interface AgencyLetterEmailContext {
  letter: EmailLetter
}

/** What every notice to a requester about one of their requests names. */
interface RequestNoticeContext {
  requester: { name: string; email: string }
  agency: { name: string }
  request: {
    id: string
    subject: string
    trackingNumber: string | null
    /** `{PUBLIC_URL}/requests/{id}`, http(s) only. */
    url: string
  }
}

/** Tells the requester that a letter to the agency bounced or could not be sent. */
export interface DeliveryFailedEmailContext extends RequestNoticeContext {
  failure: {
    /** Which email failed: the request letter, a follow-up letter or the requester's message. */
    what: 'letter' | 'follow_up' | 'message'
    /** The address it was sent to. */
    sentTo: string
    /** Long date of the last attempt. */
    attemptedOn: string
    /** true: the agency's mail server refused it (a bounce); false: it kept failing and we gave up. */
    permanent: boolean
    /** Attempts made (1 for an immediate bounce). */
    attempts: number
    /** The server's answer or the error, e.g. "550 5.1.1 Mailbox unavailable". */
    reason: string
    /** The undelivered letter, so the requester can send it another way. */
    letter: EmailLetter
  }
}

/** Tells the requester that a jurisdiction closure added or removed moved their due date. */
export interface DeadlineMovedEmailContext extends RequestNoticeContext {
  change: {
    /** Why, in one sentence: "State offices closed on 2026-12-24 (Ice storm): due date moved from … to …". */
    why: string
    /** Long dates; "none" when there was or is no due date. */
    previousDueOn: string
    dueOn: string
  }
}

/** The requester's copy of an email sent to the agency on their behalf. */
export interface RequesterCopyEmailContext {
  requester: { name: string }
  agency: { name: string }
  request: {
    id: string
    subject: string
    trackingNumber: string | null
    /** `{PUBLIC_URL}/requests/{id}`, http(s) only. */
    url: string
  }
  copy: {
    what: 'letter' | 'follow_up' | 'message'
    /** The agency's address it went to, and the request's reply address it came from. */
    to: string
    from: string
    /** Long date it was sent. */
    sentOn: string
    subject: string
    text: string
    /** File names of the attachments, comma-separated; "" for none. */
    attachments: string
  }
}

/** Tells the requester that the agency answered, with the answer's text (plain text, never markup) and a link. */
export interface AgencyRepliedEmailContext {
  requester: { name: string; email: string }
  agency: { name: string }
  request: {
    id: string
    subject: string
    trackingNumber: string | null
    /** `{PUBLIC_URL}/requests/{id}`, http(s) only. */
    url: string
  }
  reply: {
    /** The sender's address as the message gives it. */
    from: string
    subject: string
    /** The text of the reply, cut to a readable length (`truncated` then true). */
    text: string
    truncated: boolean
    /** Long date it was received. */
    receivedOn: string
    /** Attachments kept as documents of the request. */
    documentCount: number
  }
}

/** An account's new API token, emailed after a public sign-up (the API never shows it). */
export interface AccountTokenEmailContext {
  user: { name: string; email: string }
  /** id: for revoking it (DELETE /v1/tokens/{id}); value: the bearer token itself. */
  token: { id: string; value: string }
  /** `{PUBLIC_URL}/docs`, http(s) only. */
  docsUrl: string
}

/** A one-time sign-in link, emailed after someone asked for it at /login. */
export interface SignInLinkEmailContext {
  email: string
  /** `{PUBLIC_URL}/login/{token}`, http(s) only; works once, until it expires. */
  link: { url: string; expiresInMinutes: number }
}

export interface RenderedEmail {
  /** One line. */
  subject: string
  /** Plain text: LF line endings, paragraphs separated by one blank line, nothing wrapped. */
  text: string
  /** A complete HTML document; every value in it is HTML-escaped. */
  html: string
}

export interface EmailTemplates {
  reminder(ctx: ReminderEmailContext): RenderedEmail
  /** One email listing several reminders due the same day. */
  reminderDigest(ctx: ReminderDigestEmailContext): RenderedEmail
  agencyFollowUp(ctx: AgencyLetterEmailContext): RenderedEmail
  letter(ctx: AgencyLetterEmailContext): RenderedEmail
  deliveryFailed(ctx: DeliveryFailedEmailContext): RenderedEmail
  deadlineMoved(ctx: DeadlineMovedEmailContext): RenderedEmail
  requesterCopy(ctx: RequesterCopyEmailContext): RenderedEmail
  agencyReplied(ctx: AgencyRepliedEmailContext): RenderedEmail
  /** A new account's first token. */
  signUpToken(ctx: AccountTokenEmailContext): RenderedEmail
  /** A new token for an account whose address someone signed up with again (token recovery). */
  signUpAgain(ctx: AccountTokenEmailContext): RenderedEmail
  /** A one-time link that signs its reader in on the web pages. */
  signInLink(ctx: SignInLinkEmailContext): RenderedEmail
}

/** An email could not be rendered (a caller passed a context the template cannot use). */
export class EmailRenderError extends Error {
  override readonly name = 'EmailRenderError'
  readonly code = 'EMAIL_RENDER_FAILED'
  constructor(
    readonly template: EmailTemplateName,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`Email template "${template}": ${message}`, options)
  }
}

/**
 * What each template may read, checked at load so a misspelt field fails at boot rather than at
 * the first send: a plain value, or an object and the fields it has.
 */
type ContextFields<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends string | number | boolean ? 'value' : ReadonlyArray<keyof NonNullable<T[K]> & string>
}

const REMINDER_FIELDS: ContextFields<ReminderEmailContext> = {
  kind: 'value',
  requester: ['name', 'email'],
  agency: ['name', 'email'],
  request: ['id', 'subject', 'trackingNumber', 'url', 'muteUrl', 'submittedOn'],
  law: ['name', 'citation'],
  dueOn: 'value',
  daysLate: 'value',
  followUpLetter: ['subject', 'body'],
  earlierFollowUps: 'value',
  agencyEmailed: 'value',
  expectedNote: 'value',
}
// The items of `reminders` are read inside a loop, as locals the reference check does not see; ReminderDigestItem lists them.
const REMINDER_DIGEST_FIELDS: AnyFields = {
  requester: ['name', 'email'],
  reminders: ['size'],
  overdueCount: 'value',
  dashboardUrl: 'value',
}
const AGENCY_LETTER_FIELDS: ContextFields<AgencyLetterEmailContext> = { letter: ['subject', 'body'] }
const REQUEST_NOTICE_FIELDS: ContextFields<RequestNoticeContext> = {
  requester: ['name', 'email'],
  agency: ['name'],
  request: ['id', 'subject', 'trackingNumber', 'url'],
}
const DELIVERY_FAILED_FIELDS: ContextFields<DeliveryFailedEmailContext> = {
  ...REQUEST_NOTICE_FIELDS,
  failure: ['what', 'sentTo', 'attemptedOn', 'permanent', 'attempts', 'reason', 'letter'],
}
const DEADLINE_MOVED_FIELDS: ContextFields<DeadlineMovedEmailContext> = {
  ...REQUEST_NOTICE_FIELDS,
  change: ['why', 'previousDueOn', 'dueOn'],
}
const REQUESTER_COPY_FIELDS: ContextFields<RequesterCopyEmailContext> = {
  requester: ['name'],
  agency: ['name'],
  request: ['id', 'subject', 'trackingNumber', 'url'],
  copy: ['what', 'to', 'from', 'sentOn', 'subject', 'text', 'attachments'],
}
const AGENCY_REPLIED_FIELDS: ContextFields<AgencyRepliedEmailContext> = {
  requester: ['name', 'email'],
  agency: ['name'],
  request: ['id', 'subject', 'trackingNumber', 'url'],
  reply: ['from', 'subject', 'text', 'truncated', 'receivedOn', 'documentCount'],
}
const ACCOUNT_TOKEN_FIELDS: ContextFields<AccountTokenEmailContext> = { user: ['name', 'email'], token: ['id', 'value'], docsUrl: 'value' }
const SIGN_IN_LINK_FIELDS: ContextFields<SignInLinkEmailContext> = { email: 'value', link: ['url', 'expiresInMinutes'] }
// failure.letter is the one nested object; its fields are listed here.
const NESTED_FIELDS: Readonly<Record<string, readonly string[]>> = { 'failure.letter': ['subject', 'body'] }

type AnyFields = Readonly<Record<string, 'value' | readonly string[]>>
const FIELDS_BY_TEMPLATE: Record<EmailTemplateName, AnyFields> = {
  'reminder-due_soon': REMINDER_FIELDS,
  'reminder-due_today': REMINDER_FIELDS,
  'reminder-overdue': REMINDER_FIELDS,
  'reminder-follow_up': REMINDER_FIELDS,
  'reminder-appeal_window': REMINDER_FIELDS,
  'reminder-digest': REMINDER_DIGEST_FIELDS,
  'agency-follow-up': AGENCY_LETTER_FIELDS,
  letter: AGENCY_LETTER_FIELDS,
  'delivery-failed': DELIVERY_FAILED_FIELDS,
  'deadline-moved': DEADLINE_MOVED_FIELDS,
  'requester-copy': REQUESTER_COPY_FIELDS,
  'agency-replied': AGENCY_REPLIED_FIELDS,
  'sign-up-token': ACCOUNT_TOKEN_FIELDS,
  'sign-up-again': ACCOUNT_TOKEN_FIELDS,
  'sign-in-link': SIGN_IN_LINK_FIELDS,
}

/** What is wrong with one path an email template reads (null when it may). */
function emailReferenceProblem({ root, field, rest }: ContextReference, fields: AnyFields): string | null {
  const allowed = typeof root === 'string' && Object.hasOwn(fields, root) ? fields[root] : undefined
  if (allowed === undefined) return `unknown variable; available: ${Object.keys(fields).join(', ')}`
  if (allowed === 'value') return field === undefined || isSizeOnly([field, ...rest]) ? null : `${String(root)} is a plain value`
  // The object itself: only its truthiness is useful (`{% if followUpLetter %}`).
  if (field === undefined) return null
  if (typeof field !== 'string') return `name a field of ${String(root)} (no dynamic lookups)`
  if (!allowed.includes(field)) return `${String(root)} has no field "${field}"`
  const nested = NESTED_FIELDS[`${String(root)}.${field}`]
  if (nested === undefined) return isSizeOnly(rest) ? null : `${String(root)}.${field} is a plain value`
  const [inner, ...more] = rest
  if (inner === undefined || (typeof inner === 'string' && nested.includes(inner) && isSizeOnly(more))) return null
  return `${String(root)}.${field} has the fields ${nested.join(', ')}`
}

function checkEmailReferences(engine: Liquid, templates: Template[], fields: AnyFields): string[] {
  return checkReferences(engine, templates, (reference) => emailReferenceProblem(reference, fields))
}

interface EmailTemplate {
  name: EmailTemplateName
  subject: Template[]
  text: Template[]
  html: Template[]
}

const frontMatterSchema = z.strictObject({
  /** What the email is for, for whoever edits it. */
  description: z.string().trim().min(1).max(2_000),
  /** Liquid, rendered with the text engine and collapsed to one line. */
  subject: z.string().trim().min(1).max(1_000),
})

/** Parses one template's two files; throws TemplateLoadError naming the file at fault. */
function parseEmailTemplate(
  name: EmailTemplateName,
  text: { file: string; source: string },
  html: { file: string; source: string },
): EmailTemplate {
  const fields = FIELDS_BY_TEMPLATE[name]
  const { meta, body: textBody } = readFrontMatter(text.file, text.source, frontMatterSchema, 'description, subject')

  const textProblems: string[] = []
  if (textBody.trim() === '') textProblems.push('body is empty')
  const subject = parseLiquid(textEngine, meta.subject, 'subject', textProblems)
  const textTemplate = parseLiquid(textEngine, textBody, 'body', textProblems)
  if (subject) textProblems.push(...checkEmailReferences(textEngine, subject, fields).map((p) => `subject: ${p}`))
  if (textTemplate) textProblems.push(...checkEmailReferences(textEngine, textTemplate, fields).map((p) => `body: ${p}`))
  if (textProblems.length > 0 || !subject || !textTemplate) throw new TemplateLoadError(text.file, textProblems)

  const htmlProblems: string[] = []
  if (html.source.trim() === '') htmlProblems.push('body is empty')
  if (hasFrontMatter(html.source)) htmlProblems.push('front matter belongs in the .txt.liquid part')
  const htmlTemplate = parseLiquid(htmlEngine, html.source, 'body', htmlProblems)
  if (htmlTemplate) htmlProblems.push(...checkEmailReferences(htmlEngine, htmlTemplate, fields).map((p) => `body: ${p}`))
  if (htmlProblems.length > 0 || !htmlTemplate) throw new TemplateLoadError(html.file, htmlProblems)

  return { name, subject, text: textTemplate, html: htmlTemplate }
}

function renderPart(template: EmailTemplate, part: 'subject' | 'text' | 'html', context: object): string {
  const engine = part === 'html' ? htmlEngine : textEngine
  return renderLiquid(
    engine,
    template[part],
    context,
    (reason, cause) => new EmailRenderError(template.name, `${part}: ${reason}`, { cause }),
  )
}

/** Pure: the same template and context give the same email. */
function renderEmail(template: EmailTemplate, context: object): RenderedEmail {
  const subject = renderPart(template, 'subject', context).replace(/\s+/g, ' ').trim()
  if (subject === '') throw new EmailRenderError(template.name, 'subject: rendered empty')
  return {
    subject,
    text: normalizeLetterText(renderPart(template, 'text', context)),
    html: `${renderPart(template, 'html', context).trim()}\n`,
  }
}

// Links are rendered into href attributes: escaping stops markup, only the scheme check stops javascript:.
function assertWebLink(name: EmailTemplateName, field: string, value: string): void {
  let protocol: string | null = null
  try {
    protocol = new URL(value).protocol
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new EmailRenderError(name, `${field} must be an http(s) URL, got ${JSON.stringify(value)}`)
  }
}

function reminderTemplateName(kind: unknown): EmailTemplateName {
  if (!REMINDER_KINDS.includes(kind as ReminderKind)) {
    throw new EmailRenderError('reminder-due_soon', `unknown reminder kind ${JSON.stringify(kind)}`)
  }
  return `reminder-${kind as ReminderKind}`
}

/** Builds the renderers over parsed templates (one per EMAIL_TEMPLATE_NAMES entry). */
function createEmailTemplates(templates: ReadonlyMap<EmailTemplateName, EmailTemplate>): EmailTemplates {
  const get = (name: EmailTemplateName): EmailTemplate => {
    const template = templates.get(name)
    if (!template) throw new EmailRenderError(name, 'not loaded')
    return template
  }
  /** An email whose one link is checked first: it is rendered into an href. */
  const renderLinked = (name: EmailTemplateName, field: string, link: string, ctx: object): RenderedEmail => {
    assertWebLink(name, field, link)
    return renderEmail(get(name), ctx)
  }
  return {
    reminder(ctx) {
      const name = reminderTemplateName(ctx.kind)
      assertWebLink(name, 'request.url', ctx.request.url)
      assertWebLink(name, 'request.muteUrl', ctx.request.muteUrl)
      if (!Number.isInteger(ctx.daysLate) || ctx.daysLate < 0) {
        throw new EmailRenderError(name, `daysLate must be a whole number ≥ 0, got ${ctx.daysLate}`)
      }
      if ((ctx.kind === 'overdue' || ctx.kind === 'follow_up') && ctx.followUpLetter === null) {
        throw new EmailRenderError(name, `an ${ctx.kind} reminder carries the follow-up letter (followUpLetter is null)`)
      }
      return renderEmail(get(name), ctx)
    },
    reminderDigest(ctx) {
      assertWebLink('reminder-digest', 'dashboardUrl', ctx.dashboardUrl)
      for (const item of ctx.reminders) {
        assertWebLink('reminder-digest', 'reminders[].url', item.url)
        assertWebLink('reminder-digest', 'reminders[].muteUrl', item.muteUrl)
        if ((item.kind === 'overdue' || item.kind === 'follow_up') && item.followUpLetter === null) {
          throw new EmailRenderError('reminder-digest', `an ${item.kind} item carries the follow-up letter (followUpLetter is null)`)
        }
      }
      return renderEmail(get('reminder-digest'), ctx)
    },
    agencyFollowUp: (ctx) => renderEmail(get('agency-follow-up'), ctx),
    letter: (ctx) => renderEmail(get('letter'), ctx),
    deliveryFailed: (ctx) => renderLinked('delivery-failed', 'request.url', ctx.request.url, ctx),
    deadlineMoved: (ctx) => renderLinked('deadline-moved', 'request.url', ctx.request.url, ctx),
    requesterCopy: (ctx) => renderLinked('requester-copy', 'request.url', ctx.request.url, ctx),
    agencyReplied: (ctx) => renderLinked('agency-replied', 'request.url', ctx.request.url, ctx),
    signUpToken: (ctx) => renderLinked('sign-up-token', 'docsUrl', ctx.docsUrl, ctx),
    signUpAgain: (ctx) => renderLinked('sign-up-again', 'docsUrl', ctx.docsUrl, ctx),
    signInLink: (ctx) => renderLinked('sign-in-link', 'link.url', ctx.link.url, ctx),
  }
}

/**
 * Reads and parses every email template in `dir` once, at boot. Throws if a template is missing,
 * invalid or unknown (the error names each file at fault).
 */
export async function loadEmailTemplates(dir: string | URL = EMAIL_TEMPLATES_DIR): Promise<EmailTemplates> {
  const directory = dir instanceof URL ? fileURLToPath(dir) : dir
  const present = new Set((await readdir(directory)).filter((file) => file.endsWith('.liquid')))
  const expected = new Set(EMAIL_TEMPLATE_NAMES.flatMap((name) => [`${name}.txt.liquid`, `${name}.html.liquid`]))

  const failures: TemplateLoadError[] = []
  for (const file of [...present].filter((f) => !expected.has(f)).sort()) {
    const problem = `not an email template; expected <name>.txt.liquid and <name>.html.liquid for ${EMAIL_TEMPLATE_NAMES.join(', ')}`
    failures.push(new TemplateLoadError(join(directory, file), [problem]))
  }
  const templates = new Map<EmailTemplateName, EmailTemplate>()
  for (const name of EMAIL_TEMPLATE_NAMES) {
    const parts = [`${name}.txt.liquid`, `${name}.html.liquid`] as const
    const missing = parts.filter((file) => !present.has(file))
    if (missing.length > 0) {
      failures.push(...missing.map((file) => new TemplateLoadError(join(directory, file), ['missing'])))
      continue
    }
    const [text, html] = parts.map((file) => join(directory, file)) as [string, string]
    const sources = { text: await readFile(text, 'utf8'), html: await readFile(html, 'utf8') }
    const parsed = collectLoadFailure(failures, () =>
      parseEmailTemplate(name, { file: text, source: sources.text }, { file: html, source: sources.html }),
    )
    if (parsed) templates.set(name, parsed)
  }
  throwLoadFailures('email templates', failures)
  return createEmailTemplates(templates)
}
