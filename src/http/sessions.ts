import { hkdfSync, randomBytes } from 'node:crypto'
import csrfProtection from '@fastify/csrf-protection'
import secureSession from '@fastify/secure-session'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.js'

declare module '@fastify/secure-session' {
  interface SessionData {
    /** The signed-in user of a web session. */
    userId: string
  }
}

export const SESSION_COOKIE = 'rr_session'
const SESSION_DAYS = 14
const DAY_SECONDS = 24 * 60 * 60

/** SESSION_SECRET stretched to the 32-byte key the cookie is sealed with. */
function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'ring-records', 'session cookie', 32))
}

/**
 * Web sessions: the signed-in user's id in a cookie that is encrypted and authenticated
 * (libsodium secretbox), HttpOnly, SameSite=Lax and Secure where PUBLIC_URL is https; plus the CSRF
 * secret every form's token is checked against. Registered before access control, which reads the
 * session (for pages, and for GET and HEAD on the API; a bearer token always wins).
 */
export async function registerSessions(app: FastifyInstance, ctx: AppContext): Promise<void> {
  let key: Buffer
  if (ctx.config.session.secret) key = sessionKey(ctx.config.session.secret)
  else {
    key = randomBytes(32)
    ctx.logger.warn('SESSION_SECRET is not set: web sessions use a key made for this process and end when it stops')
  }
  await app.register(secureSession, {
    key,
    cookieName: SESSION_COOKIE,
    expiry: SESSION_DAYS * DAY_SECONDS,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: new URL(ctx.config.publicUrl).protocol === 'https:',
      maxAge: SESSION_DAYS * DAY_SECONDS,
    },
  })
  await app.register(csrfProtection, { sessionPlugin: '@fastify/secure-session' })
}
