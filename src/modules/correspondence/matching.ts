/**
 * How an inbound message names its request, read from its headers. Pure: the ingest job looks the
 * answers up. In the order they are tried:
 * 1. the request's reply address (`<replyKey>@REPLY_DOMAIN`) among the recipients;
 * 2. a Message-ID the service sent, in In-Reply-To or References (a reply typed to a mistyped
 *    address or BCC'd still names the letter it answers);
 * 3. the request reference in the subject, `[RR-8F3K2]`.
 */

/** The local parts of the addresses at `replyDomain` (case-insensitive), in order, each once. */
export function replyKeysIn(addresses: readonly string[], replyDomain: string): string[] {
  const domain = replyDomain.toLowerCase()
  const keys: string[] = []
  for (const address of addresses) {
    const at = address.lastIndexOf('@')
    if (at <= 0) continue
    if (
      address
        .slice(at + 1)
        .toLowerCase()
        .replace(/\.$/, '') !== domain
    )
      continue
    // Sub-addressing (`key+anything@`) still names the key.
    const key = address.slice(0, at).toLowerCase().split('+')[0]!
    if (key !== '' && !keys.includes(key)) keys.push(key)
  }
  return keys
}

/** Every `<…>` message id in a header value (In-Reply-To, References), without brackets, each once. */
export function messageIdsIn(value: string | readonly string[] | undefined | null): string[] {
  const text = Array.isArray(value) ? value.join(' ') : ((value as string | undefined | null) ?? '')
  const ids: string[] = []
  for (const match of text.matchAll(/<([^<>\s]{1,500})>/g)) {
    const id = match[1]!
    if (!ids.includes(id)) ids.push(id)
  }
  // A header without brackets (some clients) is one bare id.
  if (ids.length === 0 && /^[^<>\s]+@[^<>\s]+$/.test(text.trim())) ids.push(text.trim())
  return ids
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The delivery ids behind Message-IDs the service gave its emails (`delivery-<uuid>@REPLY_DOMAIN`). */
export function deliveryIdsIn(messageIds: readonly string[], replyDomain: string): string[] {
  const suffix = `@${replyDomain.toLowerCase()}`
  const ids: string[] = []
  for (const messageId of messageIds) {
    const lower = messageId.toLowerCase()
    if (!lower.startsWith('delivery-') || !lower.endsWith(suffix)) continue
    const id = lower.slice('delivery-'.length, -suffix.length)
    if (UUID.test(id) && !ids.includes(id)) ids.push(id)
  }
  return ids
}
