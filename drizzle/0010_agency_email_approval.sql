ALTER TABLE "agencies" ADD COLUMN "approved_email" text;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "email_approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "email_approved_by" uuid;--> statement-breakpoint
ALTER TABLE "agencies" ADD CONSTRAINT "agencies_email_approved_by_users_id_fk" FOREIGN KEY ("email_approved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agencies_created_by_idx" ON "agencies" USING btree ("created_by","created_at");--> statement-breakpoint
CREATE INDEX "agencies_email_pending_idx" ON "agencies" USING btree ("name","id") WHERE email is not null and approved_email is distinct from email;