ALTER TABLE "page_signatures" DROP CONSTRAINT "page_signatures_page_fkey";
--> statement-breakpoint
ALTER TABLE "page_signatures" ADD CONSTRAINT "page_signatures_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;