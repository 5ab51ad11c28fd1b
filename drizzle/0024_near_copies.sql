CREATE TABLE "document_bands" (
	"band_key" integer NOT NULL,
	"document_id" uuid NOT NULL,
	CONSTRAINT "document_bands_pkey" PRIMARY KEY("band_key","document_id")
);
--> statement-breakpoint
CREATE TABLE "near_copies" (
	"document_id" uuid NOT NULL,
	"copy_id" uuid NOT NULL,
	"similarity" real NOT NULL,
	CONSTRAINT "near_copies_pkey" PRIMARY KEY("document_id","copy_id"),
	CONSTRAINT "near_copies_not_itself" CHECK (document_id <> copy_id),
	CONSTRAINT "near_copies_similarity_range" CHECK (similarity between 0 and 1)
);
--> statement-breakpoint
CREATE TABLE "page_signatures" (
	"document_id" uuid NOT NULL,
	"page" integer NOT NULL,
	"minhash" integer[] NOT NULL,
	CONSTRAINT "page_signatures_pkey" PRIMARY KEY("document_id","page")
);
--> statement-breakpoint
ALTER TABLE "document_bands" ADD CONSTRAINT "document_bands_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "near_copies" ADD CONSTRAINT "near_copies_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "near_copies" ADD CONSTRAINT "near_copies_copy_id_documents_id_fk" FOREIGN KEY ("copy_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_signatures" ADD CONSTRAINT "page_signatures_page_fkey" FOREIGN KEY ("document_id","page") REFERENCES "public"."document_pages"("document_id","page") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_bands_document_idx" ON "document_bands" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "near_copies_copy_idx" ON "near_copies" USING btree ("copy_id");