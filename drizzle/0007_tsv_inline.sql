-- Ranking and phrase matching read every matching page's tsvector. Out of line, in the TOAST
-- table, each one costs an index lookup and a fetch; kept in the row (compressed, and moved out
-- only when a page's row could not otherwise fit), a broad ranking over tens of thousands of pages
-- runs about twice as fast. The text stays out of line when large: only snippets read it.
ALTER TABLE "document_pages" ALTER COLUMN "tsv" SET STORAGE MAIN;
