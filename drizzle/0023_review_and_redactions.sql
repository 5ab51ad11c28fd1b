CREATE TABLE "document_page_originals" (
	"document_id" uuid NOT NULL,
	"page" integer NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "document_page_originals_pkey" PRIMARY KEY("document_id","page")
);
--> statement-breakpoint
CREATE TABLE "document_redactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"page" integer NOT NULL,
	"text" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_redactions_document_page_text_key" UNIQUE("document_id","page","text")
);
--> statement-breakpoint
CREATE TABLE "original_accesses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"user_id" uuid,
	"accessed_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "published_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "rendition_sha256" text;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "rendition_size" bigint;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "redaction_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "redacted_pages" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "document_page_originals" ADD CONSTRAINT "document_page_originals_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_redactions" ADD CONSTRAINT "document_redactions_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_redactions" ADD CONSTRAINT "document_redactions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "original_accesses" ADD CONSTRAINT "original_accesses_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "original_accesses" ADD CONSTRAINT "original_accesses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "original_accesses_document_accessed_idx" ON "original_accesses" USING btree ("document_id","accessed_at","id");--> statement-breakpoint
CREATE INDEX "documents_rendition_sha256_idx" ON "documents" USING btree ("rendition_sha256");--> statement-breakpoint
-- Review before publishing: a page is public when its request is public and filed AND its document
-- is published. This function is the one definition; the triggers below (which replace those of
-- migration 0006) copy its answer into document_pages.public, the column search filters on.
CREATE FUNCTION document_is_public(request_visibility text, request_status text, published_at timestamptz) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$ SELECT request_visibility = 'public' AND request_status <> 'draft' AND published_at IS NOT NULL $$;
--> statement-breakpoint
-- Documents public until now stay published; every other one waits for review.
UPDATE documents d SET published_at = d.created_at
  FROM requests r WHERE r.id = d.request_id AND r.visibility = 'public' AND r.status <> 'draft';
--> statement-breakpoint
CREATE OR REPLACE FUNCTION document_pages_fill_search_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT d.request_id, r.agency_id, a.state, d.kind, (d.received_at AT TIME ZONE 'UTC')::date,
         document_is_public(r.visibility, r.status, d.published_at), r.user_id
    INTO NEW.request_id, NEW.agency_id, NEW.state, NEW.kind, NEW.received_on, NEW.public, NEW.owner_id
    FROM documents d
    JOIN requests r ON r.id = d.request_id
    JOIN agencies a ON a.id = r.agency_id
   WHERE d.id = NEW.document_id;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION requests_refresh_search_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE document_pages p
     SET public = document_is_public(NEW.visibility, NEW.status, d.published_at),
         agency_id = NEW.agency_id,
         owner_id = NEW.user_id,
         state = (SELECT state FROM agencies WHERE id = NEW.agency_id)
    FROM documents d
   WHERE p.request_id = NEW.id AND d.id = p.document_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION documents_refresh_search_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE document_pages p
     SET kind = NEW.kind,
         received_on = (NEW.received_at AT TIME ZONE 'UTC')::date,
         public = document_is_public(r.visibility, r.status, NEW.published_at)
    FROM requests r
   WHERE p.document_id = NEW.id AND r.id = NEW.request_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER documents_search_copies ON documents;
--> statement-breakpoint
CREATE TRIGGER documents_search_copies AFTER UPDATE OF kind, received_at, published_at ON documents
  FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.received_at IS DISTINCT FROM NEW.received_at
                     OR (OLD.published_at IS NULL) IS DISTINCT FROM (NEW.published_at IS NULL))
  EXECUTE FUNCTION documents_refresh_search_copies();
--> statement-breakpoint
UPDATE document_pages p SET public = document_is_public(r.visibility, r.status, d.published_at)
  FROM documents d JOIN requests r ON r.id = d.request_id
 WHERE d.id = p.document_id AND p.public IS DISTINCT FROM document_is_public(r.visibility, r.status, d.published_at);
