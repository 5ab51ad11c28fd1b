-- The table holds every outgoing email (letters to agencies, notices, reminders), not only reminders.
ALTER TABLE "reminders" RENAME TO "deliveries";--> statement-breakpoint
ALTER TABLE "deliveries" RENAME CONSTRAINT "reminders_pkey" TO "deliveries_pkey";--> statement-breakpoint
ALTER TABLE "deliveries" RENAME CONSTRAINT "reminders_kind_check" TO "deliveries_kind_check";--> statement-breakpoint
ALTER TABLE "deliveries" RENAME CONSTRAINT "reminders_recipient_check" TO "deliveries_recipient_check";--> statement-breakpoint
ALTER TABLE "deliveries" RENAME CONSTRAINT "reminders_status_check" TO "deliveries_status_check";--> statement-breakpoint
ALTER TABLE "deliveries" RENAME CONSTRAINT "reminders_request_id_requests_id_fk" TO "deliveries_request_id_requests_id_fk";--> statement-breakpoint
ALTER INDEX "reminders_request_kind_recipient_sequence_key" RENAME TO "deliveries_request_kind_recipient_sequence_key";--> statement-breakpoint
ALTER INDEX "reminders_due_idx" RENAME TO "deliveries_due_idx";--> statement-breakpoint
ALTER INDEX "reminders_claimed_idx" RENAME TO "deliveries_claimed_idx";
