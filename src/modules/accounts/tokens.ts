import { createHash, randomBytes } from 'node:crypto'

const TOKEN_PREFIX = 'rrt_'

/** 32 random bytes, base64url, with a prefix so leaked tokens are recognisable by secret scanners. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function looksLikeToken(value: string): boolean {
  return /^rrt_[A-Za-z0-9_-]{43}$/.test(value)
}

const SIGN_IN_PREFIX = 'rrs_'

/** The secret part of a one-time sign-in link; a prefix of its own, so it is never mistaken for an API token. */
export function generateSignInToken(): string {
  return SIGN_IN_PREFIX + randomBytes(32).toString('base64url')
}

export function looksLikeSignInToken(value: string): boolean {
  return /^rrs_[A-Za-z0-9_-]{43}$/.test(value)
}
