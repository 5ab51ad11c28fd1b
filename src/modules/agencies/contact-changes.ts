import type { CONTACT_FIELDS } from '../../db/schema/agency-contact-changes.js'

export type ContactField = (typeof CONTACT_FIELDS)[number]
export type Contacts = Record<ContactField, string | null>

const FIELDS: readonly ContactField[] = ['email', 'portalUrl', 'mailingAddress', 'phone']

/** The contact fields whose value differs between `before` and `after`, in a fixed order. */
export function contactChanges(
  before: Contacts,
  after: Contacts,
): { field: ContactField; oldValue: string | null; newValue: string | null }[] {
  return FIELDS.filter((field) => (before[field] ?? null) !== (after[field] ?? null)).map((field) => ({
    field,
    oldValue: before[field] ?? null,
    newValue: after[field] ?? null,
  }))
}

/** The contacts a suggestion proposes laid over the current ones: only the fields it names change. */
export function applySuggestion(current: Contacts, suggested: Partial<Contacts>): Contacts {
  const next = { ...current }
  for (const field of FIELDS) {
    const value = suggested[field]
    if (value !== null && value !== undefined) next[field] = value
  }
  return next
}

/** Just the contact fields of an agency or a suggestion. */
export function contactsOf(row: Contacts): Contacts {
  return { email: row.email, portalUrl: row.portalUrl, mailingAddress: row.mailingAddress, phone: row.phone }
}
