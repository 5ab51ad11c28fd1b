/**
 * Reminder digests. Rules:
 * - Only reminders to the requester about a deadline are gathered: due soon, due today, overdue and
 *   the repeated follow-up reminders (appeal-window reminders and notices go alone).
 * - When one of them is sent, every other such reminder of the same requester that is due by the end
 *   of that day (in the time zone of the agency of the reminder being sent) goes in the same email.
 *   Each reminder row is still the record: the digest claims them all and marks them all sent.
 * - A single reminder is sent as it always was; the digest is only for two or more.
 * - Most urgent first: overdue ones (longest overdue first), then due today, then due soon.
 */
export const DIGEST_KINDS = ['due_soon', 'due_today', 'overdue', 'follow_up'] as const
export type DigestKind = (typeof DIGEST_KINDS)[number]

export function isDigestible(row: { kind: string; recipient: string }): row is { kind: DigestKind; recipient: 'requester' } {
  return row.recipient === 'requester' && (DIGEST_KINDS as readonly string[]).includes(row.kind)
}

const URGENCY: Record<DigestKind, number> = { overdue: 0, follow_up: 0, due_today: 1, due_soon: 2 }

/** The digest's items, most urgent first; ties keep their order. */
export function digestOrder<T extends { kind: DigestKind; daysLate: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => URGENCY[a.kind] - URGENCY[b.kind] || b.daysLate - a.daysLate)
}
