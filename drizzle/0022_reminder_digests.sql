ALTER TABLE "deliveries" ADD COLUMN "digest_of" uuid;--> statement-breakpoint
CREATE INDEX "deliveries_digest_of_idx" ON "deliveries" USING btree ("digest_of") WHERE digest_of is not null;