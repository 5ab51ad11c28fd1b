CREATE TABLE "search_version" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "search_version_single_row" CHECK (id = 1)
);
