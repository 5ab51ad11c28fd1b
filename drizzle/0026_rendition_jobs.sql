ALTER TABLE "documents" ADD COLUMN "redactions_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "rendition_status" text DEFAULT 'ready' NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "rendition_error" text;--> statement-breakpoint
CREATE INDEX "documents_rendition_pending_idx" ON "documents" USING btree ("updated_at") WHERE rendition_status = 'pending';--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_rendition_status_check" CHECK (rendition_status in ('ready', 'pending', 'failed'));