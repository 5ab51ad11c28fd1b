ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_kind_check";--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_kind_check" CHECK (kind in ('due_soon', 'due_today', 'overdue', 'follow_up', 'appeal_window', 'letter', 'message', 'delivery_failed', 'deadline_moved', 'requester_copy'));--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "attachment_document_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- A request's reference, "RR-" and six Crockford base32 characters (see correspondence/request-reference.ts),
-- drawn again until it is one no request has.
CREATE FUNCTION request_reference() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  candidate text;
BEGIN
  LOOP
    SELECT 'RR-' || string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + floor(random() * 32)::int, 1), '')
      INTO candidate FROM generate_series(1, 6);
    EXIT WHEN NOT EXISTS (SELECT 1 FROM requests WHERE reference = candidate);
  END LOOP;
  RETURN candidate;
END
$$;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "reference" text;--> statement-breakpoint
CREATE INDEX "requests_reference_backfill_idx" ON "requests" USING btree ("reference");--> statement-breakpoint
UPDATE "requests" SET "reference" = request_reference();--> statement-breakpoint
-- Rows updated by one statement do not see each other's new values: draw again for any duplicate.
DO $$
BEGIN
  LOOP
    UPDATE requests SET reference = request_reference()
    WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY reference ORDER BY id) AS n FROM requests) AS drawn WHERE n > 1);
    EXIT WHEN NOT FOUND;
  END LOOP;
END
$$;--> statement-breakpoint
DROP INDEX "requests_reference_backfill_idx";--> statement-breakpoint
ALTER TABLE "requests" ALTER COLUMN "reference" SET DEFAULT request_reference();--> statement-breakpoint
ALTER TABLE "requests" ALTER COLUMN "reference" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_reference_key" UNIQUE("reference");--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_reference_check" CHECK (reference ~ '^RR-[0-9A-HJKMNP-TV-Z]{5,8}$');
