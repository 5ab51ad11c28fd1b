/**
 * Threading headers of an answer (RFC 5322 §3.6.4): In-Reply-To names the message answered, and
 * References is that message's References (or, lacking them, its In-Reply-To) followed by its own
 * Message-ID. A long thread keeps its first id (the root, which some clients thread by) and the
 * most recent ones, so the header stays bounded. Ids are kept without angle brackets. Pure.
 */

export const MAX_REFERENCES = 20

export interface ThreadParent {
  messageId: string
  inReplyTo: string | null
  references: readonly string[]
}

export interface ThreadHeaders {
  inReplyTo: string | null
  references: string[]
}

// id-left "@" id-right without spaces or brackets: what can go between "<" and ">" on one header line.
const MESSAGE_ID = /^[^<>@\s]+@[^<>@\s]+$/

/** Whether an id (without angle brackets) can be written into a header as it is. */
export function isWritableMessageId(id: string): boolean {
  return MESSAGE_ID.test(id)
}

/** Ids received from elsewhere that cannot be written back safely (spaces, brackets, line breaks) are left out. */
export function threadHeadersAfter(parent: ThreadParent | null, limit = MAX_REFERENCES): ThreadHeaders {
  if (!parent || !isWritableMessageId(parent.messageId)) return { inReplyTo: null, references: [] }
  const earlier = parent.references.length > 0 ? parent.references : parent.inReplyTo ? [parent.inReplyTo] : []
  const chain = [...new Set([...earlier.filter(isWritableMessageId), parent.messageId])]
  const references = chain.length <= limit ? chain : [chain[0]!, ...chain.slice(chain.length - (limit - 1))]
  return { inReplyTo: parent.messageId, references }
}
