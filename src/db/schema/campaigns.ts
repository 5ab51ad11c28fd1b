import { sql } from 'drizzle-orm'
import { check, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
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
  (table) => [primaryKey({ name: 'campaign_targets_pkey', columns: [table.campaignId, table.agencyId] })],
)
