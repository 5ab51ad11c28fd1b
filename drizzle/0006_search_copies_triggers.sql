-- document_pages carries copies of what search filters on (see src/db/schema/document-pages.ts).
-- These triggers fill them on insert and keep them in step, so a page's visibility always follows
-- its request: a request made private, or still a draft, never shows up in public search.

CREATE FUNCTION document_pages_fill_search_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT d.request_id, r.agency_id, a.state, d.kind, (d.received_at AT TIME ZONE 'UTC')::date,
         r.visibility = 'public' AND r.status <> 'draft', r.user_id
    INTO NEW.request_id, NEW.agency_id, NEW.state, NEW.kind, NEW.received_on, NEW.public, NEW.owner_id
    FROM documents d
    JOIN requests r ON r.id = d.request_id
    JOIN agencies a ON a.id = r.agency_id
   WHERE d.id = NEW.document_id;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER document_pages_search_copies BEFORE INSERT ON document_pages
  FOR EACH ROW EXECUTE FUNCTION document_pages_fill_search_copies();
--> statement-breakpoint
CREATE FUNCTION requests_refresh_search_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE document_pages
     SET public = NEW.visibility = 'public' AND NEW.status <> 'draft',
         agency_id = NEW.agency_id,
         owner_id = NEW.user_id,
         state = (SELECT state FROM agencies WHERE id = NEW.agency_id)
   WHERE request_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER requests_search_copies AFTER UPDATE OF visibility, status, agency_id, user_id ON requests
  FOR EACH ROW
  WHEN (OLD.visibility IS DISTINCT FROM NEW.visibility
     OR (OLD.status = 'draft') IS DISTINCT FROM (NEW.status = 'draft')
     OR OLD.agency_id IS DISTINCT FROM NEW.agency_id
     OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION requests_refresh_search_copies();
--> statement-breakpoint
CREATE FUNCTION agencies_refresh_search_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state IS DISTINCT FROM NEW.state THEN
    UPDATE document_pages SET state = NEW.state WHERE agency_id = NEW.id;
  END IF;
  -- Results show agency names: a renamed agency makes cached results out of date too.
  IF OLD.name IS DISTINCT FROM NEW.name THEN
    UPDATE search_version SET version = version + 1 WHERE id = 1;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER agencies_search_copies AFTER UPDATE OF state, name ON agencies
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION agencies_refresh_search_copies();
--> statement-breakpoint
CREATE FUNCTION documents_refresh_search_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE document_pages SET kind = NEW.kind, received_on = (NEW.received_at AT TIME ZONE 'UTC')::date
   WHERE document_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER documents_search_copies AFTER UPDATE OF kind, received_at ON documents
  FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.received_at IS DISTINCT FROM NEW.received_at)
  EXECUTE FUNCTION documents_refresh_search_copies();
--> statement-breakpoint
-- search_version changes whenever what search could answer or show changes: pages added,
-- removed, or their copies refreshed, an agency renamed. Search results are cached under it, so a
-- change is never served stale.
INSERT INTO search_version VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION bump_search_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Statement triggers fire for statements that touch no rows; those change nothing.
  IF EXISTS (SELECT 1 FROM changed) THEN
    UPDATE search_version SET version = version + 1 WHERE id = 1;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER document_pages_inserted_search_version AFTER INSERT ON document_pages
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_search_version();
--> statement-breakpoint
CREATE TRIGGER document_pages_updated_search_version AFTER UPDATE ON document_pages
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_search_version();
--> statement-breakpoint
CREATE TRIGGER document_pages_deleted_search_version AFTER DELETE ON document_pages
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_search_version();
