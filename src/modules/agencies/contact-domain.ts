/**
 * Whether an address an agency's reply came from may be the agency's own, and so worth suggesting
 * as its contact. Rules:
 * - The sender's domain must be the domain of the agency's listed email or records portal, or a
 *   sub- or parent domain of it (records@city.example and clerk@police.city.example), never a bare
 *   top-level domain.
 * - Free mailbox providers (gmail.com…) say nothing about who owns an address: a listed address there
 *   gives no domain to compare with, and a sender there never matches one.
 * - An agency that lists no email or portal domain has nothing to compare with: any sender of a
 *   reply to one of its requests is suggested (an administrator still decides).
 * - A reply whose DMARC check failed claims a sender it may not be: never suggested.
 */
const FREE_MAILBOX_DOMAINS = new Set([
  'aol.com',
  'gmail.com',
  'googlemail.com',
  'hotmail.com',
  'icloud.com',
  'live.com',
  'mail.com',
  'me.com',
  'msn.com',
  'outlook.com',
  'proton.me',
  'protonmail.com',
  'yahoo.com',
])

export type ContactDomainMatch = 'same-domain' | 'no-domain-on-file'

function domainOfAddress(address: string): string | null {
  const at = address.lastIndexOf('@')
  if (at < 1) return null
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '')
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) ? domain : null
}

function domainOfUrl(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '') || null
  } catch {
    return null
  }
}

function related(a: string, b: string): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a]
  return shorter.includes('.') && (longer === shorter || longer.endsWith(`.${shorter}`))
}

/** The domains the agency's listed contacts name, free mailbox providers left out. */
export function agencyDomains(agency: { email: string | null; portalUrl: string | null }): string[] {
  const domains = [agency.email ? domainOfAddress(agency.email) : null, agency.portalUrl ? domainOfUrl(agency.portalUrl) : null]
  return [...new Set(domains.filter((domain): domain is string => domain !== null && !FREE_MAILBOX_DOMAINS.has(domain)))]
}

/** Why `sender` may be suggested as the agency's address, or null when it may not. */
export function suggestibleSender(
  sender: string,
  agency: { email: string | null; portalUrl: string | null },
  dmarc: string | undefined,
): ContactDomainMatch | null {
  const domain = domainOfAddress(sender)
  if (!domain || dmarc === 'fail') return null
  if (agency.email?.toLowerCase() === sender.toLowerCase()) return null
  const listed = agencyDomains(agency)
  if (listed.length === 0) return agency.email || agency.portalUrl ? null : 'no-domain-on-file'
  if (FREE_MAILBOX_DOMAINS.has(domain)) return null
  return listed.some((known) => related(known, domain)) ? 'same-domain' : null
}
