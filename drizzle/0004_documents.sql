CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"parent_id" uuid,
	"uploaded_by" uuid,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"filename" text NOT NULL,
	"mime_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"status" text DEFAULT 'processing' NOT NULL,
	"page_count" integer,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_kind_check" CHECK (kind in ('agreement', 'correspondence', 'invoice', 'record', 'other')),
	CONSTRAINT "documents_status_check" CHECK (status in ('processing', 'ready', 'failed')),
	CONSTRAINT "documents_sha256_check" CHECK (sha256 ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "document_pages" (
	"document_id" uuid NOT NULL,
	"page" integer NOT NULL,
	"text" text NOT NULL,
	"needs_ocr" boolean DEFAULT false NOT NULL,
	"tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', replace(text, '<', '<' || chr(4)))) STORED NOT NULL,
	"request_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"state" text NOT NULL,
	"kind" text NOT NULL,
	"received_on" date NOT NULL,
	"public" boolean NOT NULL,
	"owner_id" uuid NOT NULL,
	CONSTRAINT "document_pages_pkey" PRIMARY KEY("document_id","page")
);
--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_request_id_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_parent_id_documents_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_pages" ADD CONSTRAINT "document_pages_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "documents_request_sha256_key" ON "documents" USING btree ("request_id","sha256");--> statement-breakpoint
CREATE INDEX "documents_request_created_idx" ON "documents" USING btree ("request_id","created_at","id");--> statement-breakpoint
CREATE INDEX "documents_parent_idx" ON "documents" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "documents_sha256_idx" ON "documents" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "documents_processing_idx" ON "documents" USING btree ("created_at") WHERE status = 'processing';--> statement-breakpoint
CREATE INDEX "document_pages_tsv_idx" ON "document_pages" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "document_pages_state_idx" ON "document_pages" USING btree ("state");--> statement-breakpoint
CREATE INDEX "document_pages_agency_idx" ON "document_pages" USING btree ("agency_id");--> statement-breakpoint
CREATE INDEX "document_pages_kind_idx" ON "document_pages" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "document_pages_received_idx" ON "document_pages" USING btree ("received_on");--> statement-breakpoint
CREATE INDEX "document_pages_owner_idx" ON "document_pages" USING btree ("owner_id") WHERE not public;--> statement-breakpoint
CREATE INDEX "document_pages_request_idx" ON "document_pages" USING btree ("request_id");