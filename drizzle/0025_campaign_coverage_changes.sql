CREATE TABLE "campaign_coverage_changes" (
	"campaign_id" uuid NOT NULL,
	"transaction_id" "xid8" NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_coverage_changes_pkey" PRIMARY KEY("campaign_id","transaction_id")
);
--> statement-breakpoint
CREATE INDEX "campaign_targets_agency_idx" ON "campaign_targets" USING btree ("agency_id");--> statement-breakpoint
-- What a campaign's coverage counts changed in this transaction. Only the transaction's first change
-- to the campaign prunes its day-old rows, skipping any another transaction is pruning: nobody waits.
CREATE FUNCTION note_campaign_coverage_change(changed uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO campaign_coverage_changes (campaign_id, transaction_id) VALUES (changed, pg_current_xact_id())
    ON CONFLICT DO NOTHING;
  IF FOUND THEN
    DELETE FROM campaign_coverage_changes
     WHERE (campaign_id, transaction_id) IN (
       SELECT campaign_id, transaction_id FROM campaign_coverage_changes
        WHERE campaign_id = changed AND changed_at < now() - interval '1 day'
          FOR UPDATE SKIP LOCKED);
  END IF;
END
$$;
--> statement-breakpoint
CREATE FUNCTION requests_note_campaign_coverage_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM note_campaign_coverage_change(campaign_id) FROM campaign_targets WHERE request_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER requests_campaign_coverage AFTER UPDATE OF status, visibility, due_date, user_id ON requests
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status
     OR OLD.visibility IS DISTINCT FROM NEW.visibility
     OR OLD.due_date IS DISTINCT FROM NEW.due_date
     OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION requests_note_campaign_coverage_change();
--> statement-breakpoint
CREATE FUNCTION campaign_targets_note_coverage_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM note_campaign_coverage_change(OLD.campaign_id);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM note_campaign_coverage_change(NEW.campaign_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER campaign_targets_coverage AFTER INSERT OR UPDATE OR DELETE ON campaign_targets
  FOR EACH ROW EXECUTE FUNCTION campaign_targets_note_coverage_change();
--> statement-breakpoint
CREATE FUNCTION agencies_note_campaign_coverage_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM note_campaign_coverage_change(campaign_id) FROM campaign_targets WHERE agency_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER agencies_campaign_coverage AFTER UPDATE OF email, approved_email, state ON agencies
  FOR EACH ROW
  WHEN (OLD.email IS DISTINCT FROM NEW.email
     OR OLD.approved_email IS DISTINCT FROM NEW.approved_email
     OR OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION agencies_note_campaign_coverage_change();
--> statement-breakpoint
CREATE FUNCTION jurisdictions_note_campaign_coverage_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM note_campaign_coverage_change(t.campaign_id)
     FROM campaign_targets t JOIN agencies a ON a.id = t.agency_id
    WHERE a.state = NEW.code
    GROUP BY t.campaign_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER jurisdictions_campaign_coverage AFTER UPDATE OF timezone ON jurisdictions
  FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone)
  EXECUTE FUNCTION jurisdictions_note_campaign_coverage_change();
