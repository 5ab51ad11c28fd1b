-- Addresses on file before approval existed: those of seeded agencies (no creator; accounts are never
-- deleted) and of agencies an administrator created or imported are approved, in that admin's name.
-- An address a member entered when creating an agency stays pending: it may be anyone's, and an
-- admin can approve it from GET /v1/agencies?emailPending=true.
UPDATE "agencies" AS a
SET "approved_email" = a."email",
    "email_approved_at" = now(),
    "email_approved_by" = a."created_by"
WHERE a."email" IS NOT NULL
  AND (a."created_by" IS NULL OR EXISTS (SELECT 1 FROM "users" u WHERE u."id" = a."created_by" AND u."role" = 'admin'));
