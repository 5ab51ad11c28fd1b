import type { ParsedMail } from 'mailparser'

/**
 * A header's raw values as sent, unfolded, in order (mailparser's `headers` map holds parsed
 * structures whose shape differs per header; the rules here want the text).
 */
export function headerValues(mail: Pick<ParsedMail, 'headerLines'>, name: string): string[] {
  const key = name.toLowerCase()
  return mail.headerLines
    .filter((header) => header.key === key)
    .map((header) =>
      header.line
        .slice(header.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    )
}

export function headerValue(mail: Pick<ParsedMail, 'headerLines'>, name: string): string | null {
  return headerValues(mail, name)[0] ?? null
}

/** The top-level media type and its parameters (lowercased names), from the Content-Type header. */
export function contentType(mail: Pick<ParsedMail, 'headerLines'>): { type: string; params: Record<string, string> } {
  const raw = headerValue(mail, 'content-type') ?? 'text/plain'
  const [type = '', ...rest] = raw.split(';')
  const params: Record<string, string> = {}
  for (const param of rest) {
    const equals = param.indexOf('=')
    if (equals < 0) continue
    params[param.slice(0, equals).trim().toLowerCase()] = param
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
  }
  return { type: type.trim().toLowerCase(), params }
}

/** The first From address, lowercased ("" when there is none). */
export function fromAddress(mail: Pick<ParsedMail, 'from'>): { address: string; name: string } {
  const first = mail.from?.value[0]
  return { address: (first?.address ?? '').toLowerCase(), name: first?.name ?? '' }
}

/** The Message-ID in a block of raw header text (the first header block only), without angle brackets. */
export function messageIdInHeaders(headers: string): string | null {
  const head = headers.replace(/\r\n?/g, '\n').split(/\n\n/, 1)[0] ?? ''
  const match = /^message-id:[ \t]*(?:\r?\n[ \t]+)?<([^<>\s]{1,998})>/im.exec(head)
  return match ? match[1]! : null
}
