CREATE TABLE "reminders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"recipient" text NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"due_date" date,
	"send_at" timestamp (3) with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"about_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminders_kind_check" CHECK (kind in ('due_soon', 'due_today', 'overdue', 'follow_up', 'letter', 'delivery_failed')),
	CONSTRAINT "reminders_recipient_check" CHECK (recipient in ('requester', 'agency')),
	CONSTRAINT "reminders_status_check" CHECK (status in ('scheduled', 'sending', 'sent', 'cancelled', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "reminders_muted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "mute_token" text DEFAULT replace(gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_request_kind_recipient_sequence_key" ON "reminders" USING btree ("request_id","kind","recipient","sequence");--> statement-breakpoint
CREATE INDEX "reminders_due_idx" ON "reminders" USING btree ("send_at") WHERE status = 'scheduled';--> statement-breakpoint
CREATE INDEX "reminders_claimed_idx" ON "reminders" USING btree ("claimed_at") WHERE status = 'sending';--> statement-breakpoint
CREATE INDEX "reminders_request_idx" ON "reminders" USING btree ("request_id","send_at");