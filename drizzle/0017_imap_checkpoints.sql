CREATE TABLE "imap_checkpoints" (
	"account" text NOT NULL,
	"mailbox" text NOT NULL,
	"uid_validity" bigint NOT NULL,
	"last_uid" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "imap_checkpoints_pkey" PRIMARY KEY("account","mailbox"),
	CONSTRAINT "imap_checkpoints_last_uid_check" CHECK (last_uid >= 0)
);
