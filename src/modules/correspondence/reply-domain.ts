/**
 * The SMTP listener takes mail for any local part at REPLY_DOMAIN (a mistyped request address is
 * still matched by its headers, or kept for an admin) and for nothing else, so it is never a relay
 * and never has to bounce: every other domain is refused at RCPT, before any data. Domains compare
 * case-insensitively (RFC 5321 section 2.4), and a fully qualified name's trailing dot is the same
 * domain; local parts are not compared at all.
 */
export function isReplyDomainAddress(address: string, replyDomain: string): boolean {
  const at = address.lastIndexOf('@')
  if (at <= 0 || at === address.length - 1) return false
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '')
  return domain === replyDomain.toLowerCase().replace(/\.$/, '')
}
