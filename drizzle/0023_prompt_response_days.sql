ALTER TABLE "requests" ADD COLUMN "prompt_response_days" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "expected_response_on" date;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_prompt_response_days_check" CHECK (prompt_response_days is null or prompt_response_days between 1 and 60);