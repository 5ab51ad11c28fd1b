import { z } from 'zod'

/** The only list of queues and jobs. Payloads carry ids; the database holds everything else. */
export const QUEUE_NAMES = {
  deliveries: 'deliveries',
  extractions: 'extractions',
  maintenance: 'maintenance',
  accounts: 'accounts',
  inbound: 'inbound',
  renditions: 'renditions',
} as const

/** Why an account gets a token by email: a new sign-up, or a sign-up with an address that already has an account. */
export const ACCOUNT_TOKEN_REASONS = ['sign-up', 'sign-up-again'] as const
export type AccountTokenReason = (typeof ACCOUNT_TOKEN_REASONS)[number]

export const JOBS = {
  /** Wakes a worker at a delivery's send time; the handler claims the row and sends the email. */
  deliver: { queue: QUEUE_NAMES.deliveries, name: 'deliver', payload: z.object({ deliveryId: z.uuid() }) },
  /** Reads a stored document's text page by page (OCR where a page has none); retried up to EXTRACTION_MAX_ATTEMPTS times. */
  extract: { queue: QUEUE_NAMES.extractions, name: 'extract-text', payload: z.object({ documentId: z.uuid() }) },
  /** Reads a stored raw message: parses, classifies, matches it to a request and records it; retried up to INBOUND_MAX_ATTEMPTS times. */
  ingest: { queue: QUEUE_NAMES.inbound, name: 'ingest', payload: z.object({ inboundMailId: z.uuid() }) },
  /** Builds a document's public rendition for one version of its redactions (a newer version makes the job a no-op). */
  render: {
    queue: QUEUE_NAMES.renditions,
    name: 'render-redacted',
    payload: z.object({ documentId: z.uuid(), version: z.number().int().min(0) }),
    attempts: 3,
  },
  /** Every few seconds: enqueue deliveries that are due, ones whose worker died mid-send, and documents waiting for extraction. */
  sweep: { queue: QUEUE_NAMES.maintenance, name: 'sweep-due-deliveries', payload: z.object({}) },
  /** After a public sign-up: issues the account a token and emails it (the API never shows it). */
  emailAccountToken: {
    queue: QUEUE_NAMES.accounts,
    name: 'email-account-token',
    payload: z.object({ userId: z.uuid(), reason: z.enum(ACCOUNT_TOKEN_REASONS) }),
    attempts: 5,
  },
  /** After /login: makes the one-time sign-in link's token and emails the link (the API never sees it). */
  emailSignInLink: {
    queue: QUEUE_NAMES.accounts,
    name: 'email-sign-in-link',
    payload: z.object({ linkId: z.uuid() }),
    attempts: 3,
  },
} as const

export const SWEEP_SCHEDULER_ID = 'sweep-due-deliveries'

/**
 * One job per delivery attempt: re-adding the same delivery for the same time and attempt is
 * ignored by BullMQ, while a rescheduled delivery, a retry, or a claim abandoned by a worker that
 * died gets a new job at once (the old one, if it ever runs, finds nothing to claim). Without the
 * attempt count, an abandoned delivery would wait for BullMQ to notice the stalled job first.
 */
export function deliverJobId(deliveryId: string, sendAt: Date, attempts: number): string {
  return `deliver-${deliveryId}-${sendAt.getTime()}-${attempts}`
}

/** One extraction job per document at a time: adding it again while it waits or runs is ignored. */
export function extractJobId(documentId: string): string {
  return `extract-${documentId}`
}

/**
 * One rendition job per version of a document's redactions: a change while a job runs adds a job
 * of its own (BullMQ would ignore a second job under the running one's id), and reconciliation's
 * add of the same version is ignored.
 */
export function renderJobId(documentId: string, version: number): string {
  return `render-${documentId}-${version}`
}

/** One ingest job per stored message at a time: the door's add and reconciliation's add of the same row are one job. */
export function ingestJobId(inboundMailId: string): string {
  return `ingest-${inboundMailId}`
}

/** One token email per account at a time: sign-ups repeated while one waits or is retried add nothing. */
export function accountTokenJobId(userId: string): string {
  return `account-token-${userId}`
}

/** One email per sign-in link: a link asked for once is mailed at most once. */
export function signInLinkJobId(linkId: string): string {
  return `sign-in-link-${linkId}`
}
