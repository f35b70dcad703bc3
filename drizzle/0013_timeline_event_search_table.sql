-- Cross-session search reads a stored tsvector per event from this unpublished table instead of an
-- expression index on timeline_events: ranking no longer recomputes to_tsvector per match, a common
-- word is cut to its most recent matches by walking an index, and the document now also covers the
-- start of message text and tool output (docs/search-and-export.md).
CREATE TABLE "timeline_event_search" (
	"session_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"account_id" uuid NOT NULL,
	"at" timestamp (6) with time zone,
	"document" "tsvector" NOT NULL,
	CONSTRAINT "timeline_event_search_session_id_ordinal_pk" PRIMARY KEY("session_id","ordinal")
);
--> statement-breakpoint
-- What an event is found by: its one-line summary, tool name, command and path, the first 1 000
-- characters of its message or reasoning text and the first 500 of its tool output. The search
-- repository uses the same function for the snippets. Bounded, so a huge output costs no more
-- than a short one to index.
CREATE FUNCTION "timeline_event_search_text"("summary" text, "name" text, "command" text, "path" text, "payload" jsonb)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT concat_ws(' ', "summary", "name", "command", "path",
    left("payload" ->> 'content', 1000),
    left(coalesce("payload" ->> 'stdout', "payload" ->> 'output', "payload" ->> 'result'), 500))
$$;
--> statement-breakpoint
INSERT INTO "timeline_event_search" ("session_id", "ordinal", "account_id", "at", "document")
SELECT "session_id", "ordinal", "account_id", "at",
       to_tsvector('simple', timeline_event_search_text("summary", "name", "command", "path", "payload"))
FROM "timeline_events";
--> statement-breakpoint
DROP INDEX "timeline_events_search_idx";--> statement-breakpoint
CREATE INDEX "timeline_event_search_document_idx" ON "timeline_event_search" USING gin ("document");--> statement-breakpoint
CREATE INDEX "timeline_event_search_recent_idx" ON "timeline_event_search" USING btree ("account_id","at" DESC NULLS LAST,"session_id","ordinal");--> statement-breakpoint
-- Kept in step by statement-level triggers (one set-wise statement per write, whoever writes:
-- ingest, cascaded deletes of sessions and accounts, migrations, tests).
CREATE FUNCTION "timeline_event_search_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "timeline_event_search" ("session_id", "ordinal", "account_id", "at", "document")
  SELECT "session_id", "ordinal", "account_id", "at",
         to_tsvector('simple', timeline_event_search_text("summary", "name", "command", "path", "payload"))
  FROM "inserted_events";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "timeline_event_search_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "timeline_event_search" AS "s" USING "old_events" AS "o"
  WHERE "s"."session_id" = "o"."session_id" AND "s"."ordinal" = "o"."ordinal";
  INSERT INTO "timeline_event_search" ("session_id", "ordinal", "account_id", "at", "document")
  SELECT "session_id", "ordinal", "account_id", "at",
         to_tsvector('simple', timeline_event_search_text("summary", "name", "command", "path", "payload"))
  FROM "new_events";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "timeline_event_search_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "timeline_event_search" AS "s" USING "deleted_events" AS "o"
  WHERE "s"."session_id" = "o"."session_id" AND "s"."ordinal" = "o"."ordinal";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "timeline_event_search_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "timeline_event_search";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "timeline_event_search_insert" AFTER INSERT ON "timeline_events"
  REFERENCING NEW TABLE AS "inserted_events" FOR EACH STATEMENT EXECUTE FUNCTION "timeline_event_search_insert"();
--> statement-breakpoint
CREATE TRIGGER "timeline_event_search_update" AFTER UPDATE ON "timeline_events"
  REFERENCING OLD TABLE AS "old_events" NEW TABLE AS "new_events" FOR EACH STATEMENT EXECUTE FUNCTION "timeline_event_search_update"();
--> statement-breakpoint
CREATE TRIGGER "timeline_event_search_delete" AFTER DELETE ON "timeline_events"
  REFERENCING OLD TABLE AS "deleted_events" FOR EACH STATEMENT EXECUTE FUNCTION "timeline_event_search_delete"();
--> statement-breakpoint
CREATE TRIGGER "timeline_event_search_truncate" AFTER TRUNCATE ON "timeline_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "timeline_event_search_truncate"();
