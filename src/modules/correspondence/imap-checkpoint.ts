/**
 * The IMAP poller's rules, apart from the connection. A mailbox is read in UID order from just
 * after the checkpoint; a message is stored, then moved to the processed folder, and only then
 * does the checkpoint pass its UID, so a poller stopped anywhere in between reads the message
 * again (the acceptor knows the same bytes) rather than skip it. UIDs mean something only under
 * the UIDVALIDITY they were given with (RFC 3501 section 2.3.1.1): a new one starts over at UID 1.
 */
export interface ImapCheckpoint {
  uidValidity: number
  lastUid: number
}

/** The first UID to read, given the checkpoint (if any) and the mailbox's UIDVALIDITY now. */
export function firstUidToRead(checkpoint: ImapCheckpoint | null, uidValidity: number): number {
  if (!checkpoint || checkpoint.uidValidity !== uidValidity) return 1
  return checkpoint.lastUid + 1
}

/**
 * UIDs still to read, in order. A search for `n:*` also answers the mailbox's highest UID when
 * that is below n (RFC 3501 section 6.4.8), so the answer is filtered.
 */
export function uidsToRead(found: readonly number[], firstUid: number): number[] {
  return found.filter((uid) => uid >= firstUid).sort((a, b) => a - b)
}

/** Wait before retry number `failures` (1 for the first): doubles from baseMs, never above maxMs. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failures - 1), maxMs)
}
