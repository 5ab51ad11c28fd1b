import { sql } from 'drizzle-orm'
import { boolean, check, date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, inList, updatedAt } from './columns.js'
import { jurisdictions } from './jurisdictions.js'
import { users } from './users.js'

export const AGENCY_KINDS = ['police', 'sheriff', 'city', 'county', 'state', 'other'] as const
export const DATE_PRECISIONS = ['day', 'month'] as const

export const agencies = pgTable(
  'agencies',
  {
    id: id(),
    name: text('name').notNull(),
    state: text('state')
      .notNull()
      .references(() => jurisdictions.code),
    city: text('city'),
    county: text('county'),
    kind: text('kind', { enum: AGENCY_KINDS }).notNull(),
    email: text('email'),
    /**
     * The address an administrator approved (seeded, imported, set by an admin, or approved later).
     * Email is sent only while it equals `email`: any change of address that is not itself approved
     * leaves the agency unreachable by email until an admin approves it.
     */
    approvedEmail: text('approved_email'),
    emailApprovedAt: timestamp('email_approved_at', { withTimezone: true }),
    /** Null for seeded addresses (and if the approving account is gone). */
    emailApprovedBy: uuid('email_approved_by').references(() => users.id, { onDelete: 'set null' }),
    portalUrl: text('portal_url'),
    mailingAddress: text('mailing_address'),
    phone: text('phone'),
    ringPartner: boolean('ring_partner').notNull().default(false),
    ringPartnerSince: date('ring_partner_since', { mode: 'string' }),
    /** The source gives some join dates only to the month; those are stored as the 1st. */
    ringPartnerSincePrecision: text('ring_partner_since_precision', { enum: DATE_PRECISIONS }),
    /** EFF Atlas of Surveillance row id, for rows seeded from data/ring-agencies.csv. */
    atlasId: text('atlas_id'),
    /**
     * One agency per name and city within a state; imports and the seed upsert on it. Computed in
     * JavaScript (agencyIdentityKey) so that deduplication before an insert folds case exactly as
     * the unique index does.
     */
    identityKey: text('identity_key').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex('agencies_identity_key').on(table.identityKey),
    index('agencies_name_id_idx').on(table.name, table.id),
    index('agencies_state_name_idx').on(table.state, table.name, table.id),
    index('agencies_ring_partner_name_idx').on(table.ringPartner, table.name, table.id),
    index('agencies_created_by_idx').on(table.createdBy, table.createdAt),
    index('agencies_email_pending_idx').on(table.name, table.id).where(sql`email is not null and approved_email is distinct from email`),
    index('agencies_name_trgm_idx').using('gin', sql`${table.name} gin_trgm_ops`),
    check('agencies_kind_check', sql.raw(`kind in (${inList(AGENCY_KINDS)})`)),
    check(
      'agencies_ring_partner_since_precision_check',
      sql.raw(`ring_partner_since_precision is null or ring_partner_since_precision in (${inList(DATE_PRECISIONS)})`),
    ),
  ],
)
