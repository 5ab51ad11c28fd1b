CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"mailing_address" text,
	"role" text NOT NULL,
	"reminders_muted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK (role in ('admin', 'member'))
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_key" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "jurisdictions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"law_name" text NOT NULL,
	"citation" text NOT NULL,
	"response_days" integer,
	"day_type" text,
	"extension_days" integer,
	"response_rule_text" text NOT NULL,
	"appeal_process" text NOT NULL,
	"fee_notes" text NOT NULL,
	"timezone" text NOT NULL,
	"sources" text NOT NULL,
	"notes" text NOT NULL,
	CONSTRAINT "jurisdictions_day_type_check" CHECK (day_type is null or day_type in ('business', 'calendar')),
	CONSTRAINT "jurisdictions_code_check" CHECK (code ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
CREATE TABLE "agencies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"state" text NOT NULL,
	"city" text,
	"county" text,
	"kind" text NOT NULL,
	"email" text,
	"portal_url" text,
	"mailing_address" text,
	"phone" text,
	"ring_partner" boolean DEFAULT false NOT NULL,
	"ring_partner_since" date,
	"ring_partner_since_precision" text,
	"atlas_id" text,
	"identity_key" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agencies_kind_check" CHECK (kind in ('police', 'sheriff', 'city', 'county', 'state', 'other')),
	CONSTRAINT "agencies_ring_partner_since_precision_check" CHECK (ring_partner_since_precision is null or ring_partner_since_precision in ('day', 'month'))
);
--> statement-breakpoint
CREATE TABLE "agency_closures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"date" date NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"template_slug" text NOT NULL,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"visibility" text DEFAULT 'public' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"submitted_via" text,
	"submitted_at" timestamp with time zone,
	"due_date" date,
	"deadline" jsonb,
	"tracking_number" text,
	"auto_follow_up" boolean DEFAULT false NOT NULL,
	"reply_key" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "requests_reply_key_key" UNIQUE("reply_key"),
	CONSTRAINT "requests_status_check" CHECK (status in ('draft', 'submitted', 'acknowledged', 'awaiting_fee', 'awaiting_clarification', 'partially_fulfilled', 'fulfilled', 'no_records', 'rejected', 'appealed', 'withdrawn')),
	CONSTRAINT "requests_visibility_check" CHECK (visibility in ('public', 'private')),
	CONSTRAINT "requests_submitted_via_check" CHECK (submitted_via is null or submitted_via in ('email', 'portal', 'mail', 'fax', 'in_person'))
);
--> statement-breakpoint
CREATE TABLE "request_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"note" text,
	"extension_days" integer,
	"new_due_date" date,
	"amount" numeric(12, 2),
	"status_before" text,
	"status_after" text NOT NULL,
	"due_date_after" date,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_events_type_check" CHECK (type in ('created', 'submitted', 'acknowledged', 'extended', 'fee_requested', 'fee_paid', 'clarification_requested', 'clarification_sent', 'partial_release', 'fulfilled', 'no_records', 'rejected', 'appealed', 'withdrawn', 'note')),
	CONSTRAINT "request_events_extension_days_check" CHECK (extension_days is null or extension_days between 1 and 365)
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agencies" ADD CONSTRAINT "agencies_state_jurisdictions_code_fk" FOREIGN KEY ("state") REFERENCES "public"."jurisdictions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agencies" ADD CONSTRAINT "agencies_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_closures" ADD CONSTRAINT "agency_closures_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_events" ADD CONSTRAINT "request_events_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_events" ADD CONSTRAINT "request_events_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agencies_identity_key" ON "agencies" USING btree ("identity_key");--> statement-breakpoint
CREATE INDEX "agencies_name_id_idx" ON "agencies" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "agencies_state_name_idx" ON "agencies" USING btree ("state","name","id");--> statement-breakpoint
CREATE INDEX "agencies_ring_partner_name_idx" ON "agencies" USING btree ("ring_partner","name","id");--> statement-breakpoint
CREATE INDEX "agencies_name_trgm_idx" ON "agencies" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "agency_closures_agency_date_key" ON "agency_closures" USING btree ("agency_id","date");--> statement-breakpoint
CREATE INDEX "requests_user_created_idx" ON "requests" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "requests_created_idx" ON "requests" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "requests_agency_id_idx" ON "requests" USING btree ("agency_id");--> statement-breakpoint
CREATE INDEX "requests_status_idx" ON "requests" USING btree ("status");--> statement-breakpoint
CREATE INDEX "requests_due_date_idx" ON "requests" USING btree ("due_date");--> statement-breakpoint
CREATE INDEX "request_events_request_idx" ON "request_events" USING btree ("request_id","occurred_at","created_at");