import type { ParsedMail } from 'mailparser'

/**
 * What an inbound message is. A minimal rule set: RFC 3834 `Auto-Submitted` (any value but "no")
 * makes an auto-reply; an RFC 3464 report (`multipart/report; report-type=delivery-status`) a
 * bounce, read from its delivery-status text and the returned headers. The fuller rules (the
 * non-standard bounce shapes, X-Autoreply and friends, suggested status, fee and tracking number)
 * replace this file with the same signature.
 */
export interface InboundClassification {
  kind: 'reply' | 'auto_reply' | 'bounce'
  bounce?: { originalMessageId: string | null; recipient: string | null; reason: string }
  suggestion?: { status?: string; feeAmount?: string; trackingNumber?: string }
}

function headerText(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name) as unknown
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'object' && 'value' in (value as object)) return String((value as { value: unknown }).value)
  return String(value)
}

/** A field of a delivery-status text (`Final-Recipient: rfc822; clerk@agency.example`), the value after any type prefix. */
function statusField(text: string, name: string): string | null {
  const match = new RegExp(`^${name}:\\s*(?:[a-z0-9-]+;\\s*)?(.+)$`, 'im').exec(text)
  return match ? match[1]!.trim() : null
}

export function classifyInbound(mail: ParsedMail): InboundClassification {
  const contentType = headerText(mail, 'content-type').toLowerCase()
  if (contentType === 'multipart/report') {
    const part = (type: string) => mail.attachments.find((attachment) => attachment.contentType === type)?.content.toString('utf8') ?? ''
    // mailparser puts the delivery-status part into the text; a kept one is an attachment.
    const status = `${part('message/delivery-status')}\n${mail.text ?? ''}`
    const returned = part('text/rfc822-headers') || part('message/rfc822')
    const originalMessageId = /^message-id:\s*<([^<>\s]+)>/im.exec(returned)?.[1] ?? null
    const recipient = statusField(status, 'Final-Recipient') ?? statusField(status, 'Original-Recipient')
    const reason =
      statusField(status, 'Diagnostic-Code') ??
      statusField(status, 'Status') ??
      'The receiving mail server reported the message undeliverable.'
    return { kind: 'bounce', bounce: { originalMessageId, recipient, reason } }
  }
  const autoSubmitted = headerText(mail, 'auto-submitted').trim().toLowerCase()
  if (autoSubmitted !== '' && autoSubmitted !== 'no') return { kind: 'auto_reply' }
  return { kind: 'reply' }
}
