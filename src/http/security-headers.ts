import { createHash } from 'node:crypto'
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'

type Directives = Record<string, string[]>

// HSTS pins browsers to https for a year; set only where the service is reached over https, so a
// plain-http deployment (localhost, a LAN address) is never locked out. Subdomains are left alone:
// they may belong to someone else.
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60

/**
 * The Content-Security-Policy of every page and document the service answers with: nothing inline
 * (no scripts, no style attributes), nothing from other sites, never framed. `/docs` (Swagger UI)
 * loads only its own files; its "Try it out" calls go to PUBLIC_URL, which may be another origin than
 * the one the page was opened on. `styleHashes` admits a page's own fixed `<style>` element.
 */
export function contentSecurityDirectives(publicUrl: string, options: { styleHashes?: readonly string[] } = {}): Directives {
  const https = new URL(publicUrl).protocol === 'https:'
  return {
    'default-src': ["'self'"],
    'base-uri': ["'none'"],
    'connect-src': ["'self'", new URL(publicUrl).origin],
    'font-src': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", ...(options.styleHashes ?? []).map((hash) => `'${hash}'`)],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  }
}

/** `sha256-…` of a fixed inline `<style>` body, for contentSecurityDirectives' styleHashes. */
export function styleHash(css: string): string {
  return `sha256-${createHash('sha256').update(css).digest('base64')}`
}

export function securityHeaderOptions(publicUrl: string): FastifyHelmetOptions {
  const https = new URL(publicUrl).protocol === 'https:'
  return {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityDirectives(publicUrl) },
    frameguard: { action: 'deny' },
    // The mute link carries its token in the query string: no page of ours may pass its address on.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: false } : false,
  }
}

/**
 * Security headers on every response, JSON, HTML, problem documents and 404s alike. Registered
 * before the access-control hook, so a 401 or 403 carries them too. A route may narrow its own
 * policy further (the document file route sends `default-src 'none'; sandbox`).
 */
export async function registerSecurityHeaders(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(helmet, securityHeaderOptions(publicUrl))
}
