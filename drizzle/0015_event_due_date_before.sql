ALTER TABLE "request_events" ADD COLUMN "due_date_before" date;--> statement-breakpoint
-- Earlier deadline changes kept the old date only in their note ("…: due date moved from 2026-12-04 to 2026-12-07").
UPDATE "request_events" SET "due_date_before" = (substring("note" from 'due date moved from (\d{4}-\d{2}-\d{2}) to '))::date
WHERE "type" = 'deadline_changed' AND "note" ~ 'due date moved from \d{4}-\d{2}-\d{2} to ';
