import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino'

/*
 * What must never reach a log line: bearer, mute and sign-in-link tokens (they act for their owner),
 * email addresses, letters, and the values of a failed SQL query, which hold both. drizzle wraps a
 * driver error as "Failed query: <sql>\nparams: <values>" with `params` beside it; the driver's own
 * error may carry `detail` ("Failing row contains (…)") and `where` ("… parameter $3 = '…'").
 * The SQL text stays: it has placeholders, not values, and says what failed.
 */
const CENSOR = '[redacted]'

// Fields that hold secrets or personal text wherever they appear in a log call.
const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'token',
  '*.token',
  'email',
  '*.email',
  'body',
  '*.body',
  'letter',
  '*.letter',
  'err.params',
  'err.parameters',
  'err.args',
  'err.detail',
  'err.where',
]

// Local parts of addresses go; the domain stays, as it tells which mail server refused a message.
const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+)/g
const BEARER_TOKEN = /rrt_[A-Za-z0-9_-]{43}/g
// The one-time sign-in links' tokens (/login/rrs_…): they sign their holder in until used.
const SIGN_IN_TOKEN = /rrs_[A-Za-z0-9_-]+/g
const URL_TOKEN = /([?&]token=)[^&#\s"']*/gi

/** Masks addresses and tokens inside free text: messages, error messages, stacks, URLs. */
export function scrubText(text: string): string {
  return text
    .replace(BEARER_TOKEN, `rrt_${CENSOR}`)
    .replace(SIGN_IN_TOKEN, `rrs_${CENSOR}`)
    .replace(URL_TOKEN, `$1${CENSOR}`)
    .replace(EMAIL, `${CENSOR}@$1`)
}

type SerializedError = ReturnType<typeof stdSerializers.err>

/** pino's error serializer, without a failed query's values, addresses or tokens in the text. */
export function serializeError(error: unknown): SerializedError {
  const serialized = stdSerializers.err(error as Error)
  if (typeof serialized !== 'object' || serialized === null) return serialized
  const params = (error as { params?: unknown }).params
  // The exact text drizzle put in its message; cut out before anything else is masked.
  const shownParams = Array.isArray(params) && params.length > 0 ? `\nparams: ${String(params)}` : null
  for (const key of ['message', 'stack'] as const) {
    let text = serialized[key]
    if (typeof text !== 'string') continue
    if (shownParams) text = text.split(shownParams).join(`\nparams: ${CENSOR}`)
    serialized[key] = scrubText(text)
  }
  return serialized
}

interface LoggedRequest {
  method?: string
  url?: string
  host?: string
  ip?: string
  socket?: { remotePort?: number }
}

/** Fastify's request serializer, with any `?token=` in the URL masked (the mute links carry one). */
function serializeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? scrubText(request.url) : request.url,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }
}

function scrubValues(object: Record<string, unknown>): Record<string, unknown> {
  const scrubbed: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(object)) scrubbed[key] = typeof value === 'string' ? scrubText(value) : value
  return scrubbed
}

/** The service's logger, the API's and the worker's alike; writes JSON lines to `destination` (stdout). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      serializers: { err: serializeError, req: serializeRequest },
      formatters: { log: scrubValues },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>)
        },
      },
    },
    destination,
  )
}
