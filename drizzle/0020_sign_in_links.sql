CREATE TABLE "sign_in_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"token_hash" text,
	"next_path" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "sign_in_links_token_hash_key" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE INDEX "sign_in_links_email_created_at_idx" ON "sign_in_links" USING btree (lower("email"),"created_at");