// DNS for mail authentication in tests: a fixed zone, so no test ever asks a real resolver.
import type { DnsResolver } from '../../src/adapters/mail-auth.js'

/** Records by lower-case name, then type; TXT values as dns.promises.resolve answers them (arrays of strings). */
export type Zone = Record<string, Partial<Record<'TXT' | 'A' | 'AAAA' | 'MX', unknown[]>>>

/** Answers from `zone`; anything not in it does not exist (ENOTFOUND), as on a resolver that knows nothing. */
export function zoneResolver(zone: Zone = {}): DnsResolver {
  return async (name, rrtype) => {
    const records = zone[name.toLowerCase().replace(/\.$/, '')]?.[rrtype as 'TXT']
    if (records && records.length > 0) return records
    throw Object.assign(new Error(`query${rrtype} ENOTFOUND ${name}`), { code: records ? 'ENODATA' : 'ENOTFOUND', hostname: name })
  }
}
