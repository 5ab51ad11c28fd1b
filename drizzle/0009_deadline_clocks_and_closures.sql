CREATE TABLE "jurisdiction_closures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"jurisdiction_code" text NOT NULL,
	"date" date NOT NULL,
	"reason" text NOT NULL,
	"source" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "request_events" DROP CONSTRAINT "request_events_type_check";--> statement-breakpoint
ALTER TABLE "reminders" DROP CONSTRAINT "reminders_kind_check";--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD COLUMN "clocks" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "jurisdiction_closures" ADD CONSTRAINT "jurisdiction_closures_jurisdiction_code_jurisdictions_code_fk" FOREIGN KEY ("jurisdiction_code") REFERENCES "public"."jurisdictions"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "jurisdiction_closures_code_date_key" ON "jurisdiction_closures" USING btree ("jurisdiction_code","date");--> statement-breakpoint
ALTER TABLE "request_events" ADD CONSTRAINT "request_events_type_check" CHECK (type in ('created', 'submitted', 'deadline_changed', 'acknowledged', 'extended', 'fee_requested', 'fee_paid', 'clarification_requested', 'clarification_sent', 'partial_release', 'fulfilled', 'no_records', 'rejected', 'appealed', 'withdrawn', 'note'));--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_kind_check" CHECK (kind in ('due_soon', 'due_today', 'overdue', 'follow_up', 'appeal_window', 'letter', 'delivery_failed', 'deadline_moved'));