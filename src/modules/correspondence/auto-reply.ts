/**
 * Mail no person wrote in answer to the letter.
 *
 * - `responder`: an autoresponder answering on someone's behalf (RFC 3834 `Auto-Submitted:
 *   auto-replied`, `X-Autoreply`, `X-Autorespond`, `Precedence: auto_reply`, subjects such as
 *   "Automatic reply:", "Out of Office", "Auto:", "Autoreply"). It speaks for an absent person or
 *   a mailbox, not for the records office's handling of the request.
 * - `generated`: mail a system generated (`Auto-Submitted: auto-generated`/`auto-notified`, any
 *   value but `no`; `Precedence: bulk`/`junk`/`list`; a no-reply or mail-system sender; a records portal's
 *   sending domain (GovQA's mycusthelp, NextRequest, JustFOIA); the null return path;
 *   a report other than a delivery report, e.g. a read receipt). Records portals (GovQA,
 *   NextRequest, JustFOIA) send their acknowledgements, fee notices and release notices this way:
 *   they are the agency's own steps, so the classifier still reads them for suggestions.
 * Not signals: `X-Auto-Response-Suppress` asks others not to auto-reply and is set on ordinary
 * mail by Exchange and by many senders; `X-MS-Exchange-Inbox-Rules-Loop` is also set on a person's
 * message an inbox rule forwarded or redirected.
 */
import type { ParsedMail } from 'mailparser'
import { contentType, fromAddress, headerValue } from './mail-headers.js'

export type AutoReplyKind = 'responder' | 'generated'

const RESPONDER_SUBJECT =
  /^\s*(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|autoresponse|out of (?:the )?office|ooo\b|auto:|abwesenheitsnotiz|automatische antwort|réponse automatique|respuesta automática)/i
/** Records portals' sending domains: GovQA (mycusthelp), NextRequest, JustFOIA. */
const PORTAL_SENDER = /@(?:[a-z0-9-]+\.)*(?:mycusthelp\.(?:com|net)|govqa\.us|nextrequest\.com|justfoia\.com)$/i
const NO_REPLY_SENDER = /^(?:mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|auto-?(?:mailer|notify))[^@]*@/i

export function autoReplyKind(mail: ParsedMail): AutoReplyKind | null {
  const autoSubmitted = (headerValue(mail, 'auto-submitted') ?? 'no').toLowerCase().split(/[\s;(]/)[0]!
  const precedence = (headerValue(mail, 'precedence') ?? '').toLowerCase().trim()
  if (
    autoSubmitted === 'auto-replied' ||
    headerValue(mail, 'x-autoreply') !== null ||
    headerValue(mail, 'x-autorespond') !== null ||
    precedence === 'auto_reply' ||
    RESPONDER_SUBJECT.test(mail.subject ?? '')
  ) {
    return 'responder'
  }
  const returnPath = headerValue(mail, 'return-path')
  const type = contentType(mail)
  if (
    (autoSubmitted !== 'no' && autoSubmitted !== '') ||
    ['bulk', 'junk', 'list'].includes(precedence) ||
    NO_REPLY_SENDER.test(fromAddress(mail).address) ||
    PORTAL_SENDER.test(fromAddress(mail).address) ||
    (returnPath !== null && /^<\s*>$/.test(returnPath)) ||
    type.type === 'multipart/report'
  ) {
    return 'generated'
  }
  return null
}
