CREATE TABLE "agency_contact_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"field" text NOT NULL,
	"old_value" text,
	"new_value" text,
	"source" text NOT NULL,
	"suggestion_id" uuid,
	"changed_by" uuid,
	"changed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agency_contact_changes_field_check" CHECK (field in ('email', 'portalUrl', 'mailingAddress', 'phone')),
	CONSTRAINT "agency_contact_changes_source_check" CHECK (source in ('suggestion', 'edit', 'import'))
);
--> statement-breakpoint
CREATE TABLE "agency_suggestions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"source" text NOT NULL,
	"suggested_by" uuid,
	"message_id" uuid,
	"email" text,
	"portal_url" text,
	"mailing_address" text,
	"phone" text,
	"note" text,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agency_suggestions_status_check" CHECK (status in ('pending', 'accepted', 'rejected')),
	CONSTRAINT "agency_suggestions_source_check" CHECK (source in ('member', 'reply')),
	CONSTRAINT "agency_suggestions_something_check" CHECK (coalesce(email, portal_url, mailing_address, phone) is not null)
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "digest_of" uuid;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "prompt_response_days" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "expected_response_on" date;--> statement-breakpoint
ALTER TABLE "agency_contact_changes" ADD CONSTRAINT "agency_contact_changes_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_contact_changes" ADD CONSTRAINT "agency_contact_changes_suggestion_id_agency_suggestions_id_fk" FOREIGN KEY ("suggestion_id") REFERENCES "public"."agency_suggestions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_contact_changes" ADD CONSTRAINT "agency_contact_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_suggestions" ADD CONSTRAINT "agency_suggestions_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_suggestions" ADD CONSTRAINT "agency_suggestions_suggested_by_users_id_fk" FOREIGN KEY ("suggested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_suggestions" ADD CONSTRAINT "agency_suggestions_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agency_suggestions" ADD CONSTRAINT "agency_suggestions_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agency_contact_changes_agency_idx" ON "agency_contact_changes" USING btree ("agency_id","changed_at","id");--> statement-breakpoint
CREATE INDEX "agency_suggestions_status_created_idx" ON "agency_suggestions" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "agency_suggestions_agency_idx" ON "agency_suggestions" USING btree ("agency_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "agency_suggestions_reply_email_key" ON "agency_suggestions" USING btree ("agency_id",lower("email")) WHERE source = 'reply';--> statement-breakpoint
CREATE INDEX "deliveries_digest_of_idx" ON "deliveries" USING btree ("digest_of") WHERE digest_of is not null;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_prompt_response_days_check" CHECK (prompt_response_days is null or prompt_response_days between 1 and 60);