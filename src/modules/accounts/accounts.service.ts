import { sql } from 'drizzle-orm'
import type { Clock } from '../../adapters/clock.js'
import type { AppContext } from '../../context.js'
import type { Database } from '../../db/client.js'
import { ConflictError, NotAllowedError, NotAuthenticatedError, NotFoundError } from '../../errors.js'
import type { AccountEmailQueue, DeliveryJob } from '../../jobs/queues.js'
import { type ReminderDeps, syncReminders } from '../deliveries/reminder-schedule.service.js'
import { findRequests, openRequestIdsOf } from '../requests/requests.repository.js'
import * as repository from './accounts.repository.js'
import { generateToken, hashToken, looksLikeToken } from './tokens.js'

export interface AuthUser {
  id: string
  email: string
  name: string
  mailingAddress: string | null
  role: 'admin' | 'member'
  remindersMuted: boolean
}

interface AccountDeps {
  db: Database
  clock: Clock
  signup: 'open' | 'closed'
}

type SignUpDeps = AccountDeps & { accountEmails: Pick<AccountEmailQueue, 'enqueue'> }

export type SignUpResult =
  | { status: 'created'; user: AuthUser; token: string }
  /** A public sign-up: the token goes by email, for a new address and an existing one alike. */
  | { status: 'pending'; email: string }

const TOKEN_TOUCH_INTERVAL_MS = 60 * 60 * 1000
// Serialises sign-ups so exactly one first user becomes admin.
const SIGNUP_LOCK_KEY = 7_201_001

/**
 * Creates an account. The first user (the admin) and accounts an admin creates get their token in
 * the answer. Anyone else gets the same answer whether or not the address has an account, so sign-up
 * never says which addresses do: the worker emails a new account its first token, and an existing
 * one a new token with a note that someone tried to sign up (a token recovery). The new account
 * exists from now on, with no token until the email is read; only the mailbox owner can use it.
 */
export async function signUp(
  deps: SignUpDeps,
  caller: AuthUser | null,
  input: { email: string; name: string; mailingAddress?: string | null },
): Promise<SignUpResult> {
  const values = { email: input.email, name: input.name, mailingAddress: input.mailingAddress ?? null }
  const outcome = await deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SIGNUP_LOCK_KEY})`)
    const isFirstUser = (await repository.countUsers(tx)) === 0
    if (!isFirstUser && caller?.role !== 'admin') {
      if (deps.signup === 'closed')
        throw new NotAllowedError('Sign-up is closed on this server; ask an administrator to create your account.')
      return { pending: await repository.insertOrFindMember(tx, values) }
    }
    const user = await repository.insertUser(tx, { ...values, role: isFirstUser ? 'admin' : 'member' })
    if (!user) throw new ConflictError('email-taken', `An account with the email ${input.email} already exists.`)
    const token = generateToken()
    await repository.insertToken(tx, user.id, hashToken(token))
    return { created: { user: toAuthUser(user), token } }
  })
  if (outcome.created) return { status: 'created', ...outcome.created }
  // After the commit, so the worker finds the account the job names.
  await deps.accountEmails.enqueue(outcome.pending.id, outcome.pending.created ? 'sign-up' : 'sign-up-again')
  return { status: 'pending', email: input.email }
}

/**
 * The account an emailed sign-in link signs in: the one with this address, or, where sign-up is
 * open (or nobody has an account yet), a new one made now by the same rule as sign-up: the first
 * user becomes admin, later ones members. Null when sign-up is closed and the address has none.
 * The name starts as the address's local part; the user can change it (PATCH /v1/me).
 */
export async function userForSignIn(deps: Pick<AccountDeps, 'db' | 'signup'>, email: string): Promise<AuthUser | null> {
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SIGNUP_LOCK_KEY})`)
    const existing = await repository.findUserByEmail(tx, email)
    if (existing) return toAuthUser(existing)
    const isFirstUser = (await repository.countUsers(tx)) === 0
    if (!isFirstUser && deps.signup === 'closed') return null
    const name = email.split('@')[0] || email
    const user = await repository.insertUser(tx, { email, name, mailingAddress: null, role: isFirstUser ? 'admin' : 'member' })
    return user ? toAuthUser(user) : null
  })
}

/** Whether a sign-in link may be emailed to this address: it has an account, or one may be made for it. */
export async function maySignIn(deps: Pick<AccountDeps, 'db' | 'signup'>, email: string): Promise<boolean> {
  if (deps.signup === 'open' || (await repository.findUserByEmail(deps.db, email))) return true
  return (await repository.countUsers(deps.db)) === 0
}

/** The user a web session names; null when the account is gone. */
export async function findSessionUser(deps: Pick<AccountDeps, 'db'>, userId: string): Promise<AuthUser | null> {
  const row = await repository.findUser(deps.db, userId)
  return row ? toAuthUser(row) : null
}

/** The caller's API tokens, newest first; never the tokens themselves, which are not stored. */
export async function listTokens(deps: Pick<AccountDeps, 'db'>, user: AuthUser) {
  return repository.listTokens(deps.db, user.id)
}

/** Resolves a bearer token to its user; a malformed or unknown token is a 401, never a silent anonymous call. */
export async function authenticate(deps: AccountDeps, authorization: string | undefined): Promise<AuthUser | null> {
  if (authorization === undefined) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
  if (!match?.[1] || !looksLikeToken(match[1]))
    throw new NotAuthenticatedError('The Authorization header must be "Bearer <token>" with a token this server issued.')
  const found = await repository.findUserByTokenHash(deps.db, hashToken(match[1]))
  if (!found) throw new NotAuthenticatedError('The token is unknown or has been revoked.')
  const now = deps.clock.now().getTime()
  if (!found.lastUsedAt || now - found.lastUsedAt.getTime() > TOKEN_TOUCH_INTERVAL_MS) {
    await repository.touchToken(deps.db, found.tokenId)
  }
  return toAuthUser(found.user)
}

export async function createToken(deps: AccountDeps, user: AuthUser): Promise<{ id: string; token: string }> {
  const token = generateToken()
  const { id } = await repository.insertToken(deps.db, user.id, hashToken(token))
  return { id, token }
}

export async function revokeToken(deps: AccountDeps, user: AuthUser, tokenId: string): Promise<void> {
  if (!(await repository.deleteToken(deps.db, user.id, tokenId))) throw new NotFoundError('Token', tokenId)
}

function toAuthUser(row: repository.UserRow): AuthUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    mailingAddress: row.mailingAddress,
    role: row.role,
    remindersMuted: row.remindersMuted,
  }
}

/** Updates the caller's profile; muting or unmuting reminders re-plans every open request of theirs. */
export async function updateMe(
  deps: ReminderDeps & Pick<AppContext, 'db' | 'deliveries'>,
  user: AuthUser,
  input: { name?: string; mailingAddress?: string | null; remindersMuted?: boolean },
): Promise<AuthUser> {
  const queue: DeliveryJob[] = []
  const updated = await deps.db.transaction(async (tx) => {
    const row = await repository.updateUser(tx, user.id, input)
    if (input.remindersMuted !== undefined && input.remindersMuted !== user.remindersMuted) {
      queue.push(...(await syncReminders(deps, tx, await findRequests(tx, await openRequestIdsOf(tx, user.id)))))
    }
    return row
  })
  await deps.deliveries.enqueue(queue)
  return toAuthUser(updated)
}
