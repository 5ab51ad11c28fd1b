ALTER TABLE "documents" ADD COLUMN "pages_read" integer;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "pages_total" integer;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "extraction_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "extraction_started_at" timestamp (3) with time zone;