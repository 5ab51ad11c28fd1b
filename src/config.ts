import { z } from 'zod'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** What a client may do at most in a window; null: unlimited. */
export type RateLimit = { max: number; windowMs: number } | null
export const RATE_LIMITED_ACTIONS = ['signup', 'signin', 'tokens', 'search', 'uploads', 'agencies', 'sending'] as const
export type RateLimitedAction = (typeof RATE_LIMITED_ACTIONS)[number]

const WINDOW_UNITS_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `120/1m`: at most 120 in any one minute (also s, h, d); `off`: no limit. */
const rateLimitSchema = (fallback: string) =>
  z
    .string()
    .regex(/^(off|[1-9]\d{0,8}\/[1-9]\d{0,4}[smhd])$/, 'must be off or <count>/<window>, such as 120/1m (s, m, h or d)')
    .default(fallback)
    .transform((value): RateLimit => {
      if (value === 'off') return null
      const [, max, amount, unit] = /^(\d+)\/(\d+)([smhd])$/.exec(value)!
      return { max: Number(max), windowMs: Number(amount) * WINDOW_UNITS_MS[unit as keyof typeof WINDOW_UNITS_MS] }
    })

/**
 * Fastify's trustProxy: `false` (the connecting address), `true` (believe any X-Forwarded-For: only
 * behind a proxy that overwrites it), or the proxies' addresses and CIDRs, comma-separated
 * (`loopback`, `10.0.0.0/8`), whose X-Forwarded-For entries are believed.
 */
const trustProxySchema = z
  .string()
  .default('false')
  .transform((value) => {
    if (value === 'false') return false
    if (value === 'true') return true
    return value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
  })

/**
 * The catch-all mailbox: `imaps://user:password@host:993/INBOX` (TLS from the start) or
 * `imap://user:password@host:143/INBOX` (STARTTLS when the server offers it). User and password are
 * URL-encoded (`%40` for an @ in the user name); the path is the mailbox to read (default INBOX,
 * `/` separates levels).
 */
/** Whether the URL parses and its user, password and path decode (a stray % would not). */
function decodesAsUrl(value: string): boolean {
  try {
    const url = new URL(value)
    for (const part of [url.username, url.password, url.pathname]) decodeURIComponent(part)
    return true
  } catch {
    return false
  }
}

const imapUrlSchema = z
  .url({ protocol: /^imaps?$/ })
  .refine(decodesAsUrl, 'has a % that starts no valid escape (write a literal % as %25)')
  .refine((value) => !URL.canParse(value) || new URL(value).username !== '', 'must name the user: imaps://user:password@host/INBOX')
  .optional()

const configSchema = z
  .object({
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/ring_records'),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:1025'),
    MAIL_FROM: z.string().min(3).default('Ring Records <records@localhost>'),
    REPLY_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, 'must be a bare domain name')
      .default('replies.localhost'),
    STORAGE_DIR: z.string().min(1).default('./storage'),
    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(200 * 1024 * 1024),
    SIGNUP: z.enum(['open', 'closed']).default('open'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    SEED_ON_START: z.stringbool().default(true),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('rr'),
    FOLLOW_UP_INTERVAL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
    PROMPT_RESPONSE_BUSINESS_DAYS: z.coerce.number().int().min(1).max(60).default(10),
    REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(9),
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    DELIVERY_RETRY_BASE_SECONDS: z.coerce.number().positive().max(3600).default(60),
    DELIVERY_LEASE_SECONDS: z.coerce.number().positive().max(86_400).default(300),
    SWEEP_INTERVAL_SECONDS: z.coerce.number().positive().max(3600).default(20),
    DELIVERY_LOOKAHEAD_SECONDS: z.coerce.number().positive().max(86_400).default(60),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    EXTRACTION_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
    EXTRACTION_MAX_PAGES: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
    EXTRACTION_TIMEOUT_SECONDS: z.coerce.number().positive().max(86_400).default(600),
    EXTRACTION_MEMORY_MB: z.coerce.number().int().min(128).max(65_536).default(1_024),
    EXTRACTION_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1_000_000).max(1_000_000_000).default(50_000_000),
    EXTRACTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    EXTRACTION_MAX_UNZIPPED_MB: z.coerce.number().int().min(1).max(4_096).default(256),
    EXTRACTION_MAX_CELLS: z.coerce.number().int().min(1_000).max(100_000_000).default(250_000),
    REDACTION_DPI: z.coerce.number().int().min(72).max(600).default(150),
    REDACTION_MAX_PAGE_PIXELS: z.coerce.number().int().min(1_000_000).max(200_000_000).default(12_000_000),
    OCR_COMMAND: z.string().min(1).default('tesseract'),
    OCR_LANGUAGE: z
      .string()
      .regex(/^[a-z_]+(\+[a-z_]+)*$/, 'tesseract language codes such as eng or eng+spa')
      .default('eng'),
    SEARCH_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    SEARCH_CACHE_MIN_MS: z.coerce.number().min(0).max(60_000).default(10),
    SEARCH_CACHE_MAX_ENTRY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    SEARCH_CACHE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .default(64 * 1024 * 1024),
    SEARCH_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(3),
    SEARCH_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
    TRUST_PROXY: trustProxySchema,
    RATE_LIMIT_SIGNUP_PER_IP: rateLimitSchema('20/1h'),
    RATE_LIMIT_SIGNUP_PER_USER: rateLimitSchema('200/1h'),
    RATE_LIMIT_SIGNIN_PER_IP: rateLimitSchema('30/1h'),
    RATE_LIMIT_SIGNIN_PER_ADDRESS: rateLimitSchema('5/1h'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 48)').optional(),
    RATE_LIMIT_TOKENS_PER_IP: rateLimitSchema('100/1h'),
    RATE_LIMIT_TOKENS_PER_USER: rateLimitSchema('20/1h'),
    RATE_LIMIT_SEARCH_PER_IP: rateLimitSchema('120/1m'),
    RATE_LIMIT_SEARCH_PER_USER: rateLimitSchema('120/1m'),
    RATE_LIMIT_UPLOADS_PER_IP: rateLimitSchema('1200/1h'),
    RATE_LIMIT_UPLOADS_PER_USER: rateLimitSchema('600/1h'),
    RATE_LIMIT_AGENCIES_PER_IP: rateLimitSchema('100/1h'),
    RATE_LIMIT_AGENCIES_PER_USER: rateLimitSchema('30/1h'),
    RATE_LIMIT_SENDING_PER_IP: rateLimitSchema('1200/1h'),
    RATE_LIMIT_SENDING_PER_USER: rateLimitSchema('600/1h'),
    AGENCY_EMAILS_PER_USER_PER_DAY: z.coerce.number().int().min(0).max(100_000).default(200),
    NEW_ACCOUNT_DAYS: z.coerce.number().min(0).max(365).default(3),
    NEW_ACCOUNT_AGENCY_EMAILS_PER_DAY: z.coerce.number().int().min(0).max(100_000).default(20),
    AGENCIES_PER_USER_PER_DAY: z.coerce.number().int().min(0).max(100_000).default(20),
    CAMPAIGN_SEND_PER_MINUTE: z.coerce.number().positive().max(6_000).default(20),
    INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
    INBOUND_SMTP_MAX_CLIENTS: z.coerce.number().int().min(1).max(10_000).default(100),
    INBOUND_TLS_CERT: z.string().min(1).optional(),
    INBOUND_TLS_KEY: z.string().min(1).optional(),
    INBOUND_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
    IMAP_URL: imapUrlSchema,
    IMAP_PROCESSED_FOLDER: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\x00-\x1f\x7f*%]+$/, 'a mailbox name without control characters, * or %')
      .default('Processed'),
    IMAP_POLL_SECONDS: z.coerce.number().positive().max(3600).default(60),
    // Shared secret of POST /v1/inbound/messages; unset: the endpoint is off.
    INBOUND_TOKEN: z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces').optional(),
    INBOUND_MAX_ATTACHMENTS: z.coerce.number().int().min(0).max(10_000).default(500),
    INBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  })
  .refine((env) => env.DELIVERY_LOOKAHEAD_SECONDS >= env.SWEEP_INTERVAL_SECONDS, {
    path: ['DELIVERY_LOOKAHEAD_SECONDS'],
    message: 'must be at least SWEEP_INTERVAL_SECONDS, or a delivery could be queued after its send time',
  })
  .refine((env) => (env.INBOUND_TLS_CERT === undefined) === (env.INBOUND_TLS_KEY === undefined), {
    path: ['INBOUND_TLS_KEY'],
    message: 'INBOUND_TLS_CERT and INBOUND_TLS_KEY go together: set both (STARTTLS) or neither',
  })
  .refine((env) => !env.IMAP_URL || !decodesAsUrl(env.IMAP_URL) || imapMailbox(new URL(env.IMAP_URL)) !== env.IMAP_PROCESSED_FOLDER, {
    path: ['IMAP_PROCESSED_FOLDER'],
    message: 'must differ from the mailbox IMAP_URL names, or messages would be moved where they are',
  })
  .refine((env) => env.SESSION_SECRET !== undefined || new URL(env.PUBLIC_URL).protocol !== 'https:', {
    path: ['SESSION_SECRET'],
    message: 'is required when PUBLIC_URL is https (a deployment): without it every restart signs everyone out',
  })
  .refine((env) => env.SEARCH_CACHE_MAX_ENTRY_BYTES <= env.SEARCH_CACHE_MAX_BYTES, {
    path: ['SEARCH_CACHE_MAX_ENTRY_BYTES'],
    message: 'must not be more than SEARCH_CACHE_MAX_BYTES',
  })

type ConfigEnv = z.output<typeof configSchema>

export interface Config {
  databaseUrl: string
  redisUrl: string
  host: string
  port: number
  publicUrl: string
  smtpUrl: string
  mailFrom: string
  replyDomain: string
  storageDir: string
  maxUploadBytes: number
  signup: 'open' | 'closed'
  logLevel: (typeof LOG_LEVELS)[number]
  seedOnStart: boolean
  queuePrefix: string
  /** promptResponseBusinessDays: when to expect an answer under a law with no fixed period (deadlines/prompt-response.ts). */
  reminders: { followUpIntervalDays: number; hour: number; promptResponseBusinessDays: number }
  delivery: {
    maxAttempts: number
    retryBaseSeconds: number
    leaseSeconds: number
    sweepIntervalSeconds: number
    /** Deliveries due within this many seconds get a queue job; later ones wait in the database for the sweep. */
    lookaheadSeconds: number
    concurrency: number
  }
  extraction: {
    concurrency: number
    ocrCommand: string
    ocrLanguage: string
    /** Pages read per document; the rest of a longer one is left unread, and the document says so. */
    maxPages: number
    /** Time budget per attempt at a document; reading stops there and keeps what it has. */
    timeoutSeconds: number
    /** Memory one reading child (pdf.js, tesseract) may use before it is killed. */
    memoryMb: number
    /** Images with more pixels are not decoded. */
    maxImagePixels: number
    maxAttempts: number
    /** A .docx or .xlsx whose parts inflate to more bytes than this is refused (a zip bomb). */
    maxUnzippedBytes: number
    /** Cells read from a spreadsheet (.xlsx, .csv); the rest are left unread, and the document says so. */
    maxCells: number
  }
  /** Redacted copies: pages are rendered at `dpi`, lower for a page that would exceed `maxPagePixels`. */
  redaction: { dpi: number; maxPagePixels: number }
  /** A search's counts and ranking that took at least `minMs` to compute are reused for `seconds` while no document changes; 0 seconds turns it off. */
  /**
   * A search's counts and ranking that took at least `minMs` to compute are reused for `seconds` while no document changes; 0 seconds turns it off.
   * Entries over `maxEntryBytes` are not kept; the oldest are dropped to keep all of them under `maxBytes`.
   */
  searchCache: { seconds: number; minMs: number; maxEntryBytes: number; maxBytes: number }
  /** Search runs on its own small pool, so costly searches cannot take the connections everything else needs. */
  searchDatabase: { poolSize: number; statementTimeoutMs: number }
  trustProxy: boolean | string[]
  /**
   * Web sign-in. `secret` keys the session cookie (null: a random key per process, so sessions end
   * with it; allowed only where PUBLIC_URL is http). `linksPerAddress`: sign-in links one address may
   * be sent in a window.
   */
  session: { secret: string | null; linksPerAddress: RateLimit }
  rateLimits: Record<RateLimitedAction, { perIp: RateLimit; perUser: RateLimit }>
  /** What a member (never an admin) may cause in any 24 hours: emails to agencies, and new agencies. */
  memberLimits: {
    agencyEmailsPerDay: number
    /** Accounts younger than `newAccountDays` may send only `newAccountAgencyEmailsPerDay`. */
    newAccountDays: number
    newAccountAgencyEmailsPerDay: number
    agenciesPerDay: number
  }
  /** Letters of campaigns filed by email leave at most this many a minute, all campaigns together. */
  campaignSendPerMinute: number
  /** Mail coming in (SMTP listener and IMAP poller of `npm run inbound`, HTTP endpoint) and its ingest job. */
  inbound: {
    /** Largest message accepted, in bytes (SMTP SIZE and 552, HTTP 413; counted while it streams). */
    maxBytes: number
    /** Bearer secret of POST /v1/inbound/messages; null: that endpoint is off. */
    token: string | null
    /** Attachments kept per message; the rest are named in the message's notes. */
    maxAttachments: number
    /** Ingest attempts per message (temporary failures); then it is marked failed and its bytes kept. */
    maxAttempts: number
    smtp: {
      host: string
      port: number
      maxClients: number
      /** PEM files of the certificate and key offered with STARTTLS; null: no STARTTLS. */
      tls: { certFile: string; keyFile: string } | null
    }
    /** The catch-all mailbox to poll; null: no IMAP poller. */
    imap: ImapSettings | null
  }
}

export interface ImapSettings {
  /** TLS from the start (imaps://); otherwise STARTTLS when the server offers it. */
  secure: boolean
  host: string
  port: number
  user: string
  password: string
  mailbox: string
  /** Where a message is moved once it is stored; created when missing. */
  processedFolder: string
  /** Look for new mail at least this often, besides IDLE. */
  pollSeconds: number
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Parses the environment once, naming every missing or invalid setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = configSchema.safeParse(defined)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`))
  }
  return toConfig(parsed.data)
}

function toConfig(env: ConfigEnv): Config {
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    host: env.HOST,
    port: env.PORT,
    publicUrl: env.PUBLIC_URL.replace(/\/+$/, ''),
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    replyDomain: env.REPLY_DOMAIN.toLowerCase(),
    storageDir: env.STORAGE_DIR,
    maxUploadBytes: env.MAX_UPLOAD_BYTES,
    signup: env.SIGNUP,
    logLevel: env.LOG_LEVEL,
    seedOnStart: env.SEED_ON_START,
    queuePrefix: env.QUEUE_PREFIX,
    reminders: {
      followUpIntervalDays: env.FOLLOW_UP_INTERVAL_DAYS,
      hour: env.REMINDER_HOUR,
      promptResponseBusinessDays: env.PROMPT_RESPONSE_BUSINESS_DAYS,
    },
    delivery: {
      maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
      retryBaseSeconds: env.DELIVERY_RETRY_BASE_SECONDS,
      leaseSeconds: env.DELIVERY_LEASE_SECONDS,
      sweepIntervalSeconds: env.SWEEP_INTERVAL_SECONDS,
      lookaheadSeconds: env.DELIVERY_LOOKAHEAD_SECONDS,
      concurrency: env.WORKER_CONCURRENCY,
    },
    extraction: {
      concurrency: env.EXTRACTION_CONCURRENCY,
      ocrCommand: env.OCR_COMMAND,
      ocrLanguage: env.OCR_LANGUAGE,
      maxPages: env.EXTRACTION_MAX_PAGES,
      timeoutSeconds: env.EXTRACTION_TIMEOUT_SECONDS,
      memoryMb: env.EXTRACTION_MEMORY_MB,
      maxImagePixels: env.EXTRACTION_MAX_IMAGE_PIXELS,
      maxAttempts: env.EXTRACTION_MAX_ATTEMPTS,
      maxUnzippedBytes: env.EXTRACTION_MAX_UNZIPPED_MB * 1024 * 1024,
      maxCells: env.EXTRACTION_MAX_CELLS,
    },
    redaction: { dpi: env.REDACTION_DPI, maxPagePixels: env.REDACTION_MAX_PAGE_PIXELS },
    searchCache: {
      seconds: env.SEARCH_CACHE_SECONDS,
      minMs: env.SEARCH_CACHE_MIN_MS,
      maxEntryBytes: env.SEARCH_CACHE_MAX_ENTRY_BYTES,
      maxBytes: env.SEARCH_CACHE_MAX_BYTES,
    },
    searchDatabase: { poolSize: env.SEARCH_POOL_SIZE, statementTimeoutMs: env.SEARCH_STATEMENT_TIMEOUT_MS },
    trustProxy: env.TRUST_PROXY,
    session: { secret: env.SESSION_SECRET ?? null, linksPerAddress: env.RATE_LIMIT_SIGNIN_PER_ADDRESS },
    rateLimits: {
      signup: { perIp: env.RATE_LIMIT_SIGNUP_PER_IP, perUser: env.RATE_LIMIT_SIGNUP_PER_USER },
      // Asked for signed out: there is no user to count by; the address is counted instead (session.linksPerAddress).
      signin: { perIp: env.RATE_LIMIT_SIGNIN_PER_IP, perUser: null },
      tokens: { perIp: env.RATE_LIMIT_TOKENS_PER_IP, perUser: env.RATE_LIMIT_TOKENS_PER_USER },
      search: { perIp: env.RATE_LIMIT_SEARCH_PER_IP, perUser: env.RATE_LIMIT_SEARCH_PER_USER },
      uploads: { perIp: env.RATE_LIMIT_UPLOADS_PER_IP, perUser: env.RATE_LIMIT_UPLOADS_PER_USER },
      agencies: { perIp: env.RATE_LIMIT_AGENCIES_PER_IP, perUser: env.RATE_LIMIT_AGENCIES_PER_USER },
      sending: { perIp: env.RATE_LIMIT_SENDING_PER_IP, perUser: env.RATE_LIMIT_SENDING_PER_USER },
    },
    memberLimits: {
      agencyEmailsPerDay: env.AGENCY_EMAILS_PER_USER_PER_DAY,
      newAccountDays: env.NEW_ACCOUNT_DAYS,
      newAccountAgencyEmailsPerDay: Math.min(env.NEW_ACCOUNT_AGENCY_EMAILS_PER_DAY, env.AGENCY_EMAILS_PER_USER_PER_DAY),
      agenciesPerDay: env.AGENCIES_PER_USER_PER_DAY,
    },
    campaignSendPerMinute: env.CAMPAIGN_SEND_PER_MINUTE,
    inbound: {
      maxBytes: env.INBOUND_MAX_BYTES,
      token: env.INBOUND_TOKEN ?? null,
      maxAttachments: env.INBOUND_MAX_ATTACHMENTS,
      maxAttempts: env.INBOUND_MAX_ATTEMPTS,
      smtp: {
        host: env.INBOUND_SMTP_HOST,
        port: env.INBOUND_SMTP_PORT,
        maxClients: env.INBOUND_SMTP_MAX_CLIENTS,
        tls: env.INBOUND_TLS_CERT && env.INBOUND_TLS_KEY ? { certFile: env.INBOUND_TLS_CERT, keyFile: env.INBOUND_TLS_KEY } : null,
      },
      imap: env.IMAP_URL ? imapSettings(env.IMAP_URL, env.IMAP_PROCESSED_FOLDER, env.IMAP_POLL_SECONDS) : null,
    },
  }
}

/** The mailbox an IMAP URL names: its path, URL-decoded, INBOX when empty. */
function imapMailbox(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, '')) || 'INBOX'
}

function imapSettings(value: string, processedFolder: string, pollSeconds: number): ImapSettings {
  const url = new URL(value)
  const secure = url.protocol === 'imaps:'
  return {
    secure,
    // URL keeps the brackets of an IPv6 literal; the socket wants the bare address.
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    mailbox: imapMailbox(url),
    processedFolder,
    pollSeconds,
  }
}
