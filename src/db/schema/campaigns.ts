import { sql } from 'drizzle-orm'
import { check, customType, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { agencies } from './agencies.js'
import { createdAt, id, inList, updatedAt } from './columns.js'
import { requests, VISIBILITIES } from './requests.js'
import { users } from './users.js'

/** One letter sent to many agencies: the template and variables every target's draft was rendered from. */
export const campaigns = pgTable(
  'campaigns',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    templateSlug: text('template_slug').notNull(),
    variables: jsonb('variables').$type<Record<string, string>>().notNull().default({}),
    visibility: text('visibility', { enum: VISIBILITIES }).notNull().default('public'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('campaigns_user_created_idx').on(table.userId, table.createdAt, table.id),
    index('campaigns_visibility_created_idx').on(table.visibility, table.createdAt, table.id),
    check('campaigns_visibility_check', sql.raw(`visibility in (${inList(VISIBILITIES)})`)),
  ],
)

/** Each agency a campaign writes to, with the request that carries its letter (one per agency and campaign). */
export const campaignTargets = pgTable(
  'campaign_targets',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id),
    // Deleting the draft (DELETE /v1/requests/{id}) takes the agency out of the campaign.
    requestId: uuid('request_id')
      .notNull()
      .unique('campaign_targets_request_key')
      .references(() => requests.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ name: 'campaign_targets_pkey', columns: [table.campaignId, table.agencyId] }),
    // An agency's campaigns: its contact changes mark their coverage changed (and deleting it checks the key).
    index('campaign_targets_agency_idx').on(table.agencyId),
  ],
)

/** A 64-bit transaction id (PostgreSQL's xid8), as text. */
const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' })

/**
 * Which transactions changed what a campaign's coverage counts (a target's status, visibility, due
 * date or owner, its agency's contact or state, targets added or removed): one row per campaign and
 * transaction, written by triggers (see the migration). A coverage summary computed under a snapshot
 * is still true while no such transaction is invisible to that snapshot. Rows are only inserted, so
 * concurrent writers never wait for one another here; rows older than a day are pruned as new ones come.
 */
export const campaignCoverageChanges = pgTable(
  'campaign_coverage_changes',
  {
    // No foreign key: deleting a campaign deletes its targets, which notes a change to the campaign going away.
    campaignId: uuid('campaign_id').notNull(),
    transactionId: xid8('transaction_id').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ name: 'campaign_coverage_changes_pkey', columns: [table.campaignId, table.transactionId] })],
)
