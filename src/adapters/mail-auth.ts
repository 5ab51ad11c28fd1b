import type { Readable } from 'node:stream'

/** Answers DNS questions as `dns.promises.resolve` does: TXT records as arrays of strings; throws ENOTFOUND/ENODATA. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>

/** DKIM, SPF and DMARC verdicts of one message: "pass", "fail", "softfail", "none", "temperror", … */
export interface MailAuthentication {
  dkim: string
  spf: string
  dmarc: string
}

export interface MailAuthInput {
  /** SMTP MAIL FROM; null for the null sender, and when the door had no envelope. */
  sender: string | null
  /** The connecting client's address; without it SPF cannot be evaluated and is "none". */
  ip: string | null
  helo?: string | null
}

/** Checks a raw message's authentication; DNS is the only thing it reaches out to. */
export interface MailAuthenticator {
  /** `raw` is the whole message, or only its header block when it carries no DKIM-Signature (no body hash to check). */
  verify(raw: Readable | Buffer, input: MailAuthInput): Promise<MailAuthentication>
}

/**
 * mailauth's DKIM, SPF and DMARC (ARC and BIMI are not asked for). DKIM: the best result over the
 * signatures ("pass" if one passes). SPF needs the client's address: without one (mail posted to the
 * HTTP endpoint, read from IMAP) it is "none". A lookup error is "temperror", as mailauth reports it.
 */
export function createMailAuthenticator(resolver?: DnsResolver): MailAuthenticator {
  return {
    async verify(raw, input) {
      // Loaded on first use, like the other heavy parsers: only the ingest worker authenticates mail.
      const { authenticate } = await import('mailauth')
      const result = await authenticate(raw, {
        ...(input.ip ? { ip: input.ip } : {}),
        ...(input.sender ? { sender: input.sender } : {}),
        ...(input.helo ? { helo: input.helo } : {}),
        disableArc: true,
        disableBimi: true,
        ...(resolver ? { resolver: resolver as never } : {}),
      })
      const dkimResults = result.dkim.results.map((row) => row.status.result as string)
      const dkim = dkimResults.includes('pass') ? 'pass' : (dkimResults[0] ?? 'none')
      const spf = input.ip && result.spf ? result.spf.status.result : 'none'
      const dmarc = result.dmarc ? result.dmarc.status.result : 'none'
      return { dkim, spf, dmarc }
    },
  }
}
