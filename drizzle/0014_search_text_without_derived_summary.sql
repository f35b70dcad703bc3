-- A message's or reasoning's one-line summary is the start of its text ("User: …"), so with the
-- text in the document the same words were indexed twice and a snippet showed the match twice.
-- The search text now leaves the summary out when the event's text is there.
CREATE FUNCTION "timeline_event_search_text"("type" text, "summary" text, "name" text, "command" text, "path" text, "payload" jsonb)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT concat_ws(' ',
    CASE WHEN "type" IN ('Message', 'Reasoning') AND "payload" ? 'content' THEN NULL ELSE "summary" END,
    "name", "command", "path",
    left("payload" ->> 'content', 1000),
    left(coalesce("payload" ->> 'stdout', "payload" ->> 'output', "payload" ->> 'result'), 500))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "timeline_event_search_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "timeline_event_search" ("session_id", "ordinal", "account_id", "at", "document")
  SELECT "session_id", "ordinal", "account_id", "at",
         to_tsvector('simple', timeline_event_search_text("type", "summary", "name", "command", "path", "payload"))
  FROM "inserted_events";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "timeline_event_search_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "timeline_event_search" AS "s" USING "old_events" AS "o"
  WHERE "s"."session_id" = "o"."session_id" AND "s"."ordinal" = "o"."ordinal";
  INSERT INTO "timeline_event_search" ("session_id", "ordinal", "account_id", "at", "document")
  SELECT "session_id", "ordinal", "account_id", "at",
         to_tsvector('simple', timeline_event_search_text("type", "summary", "name", "command", "path", "payload"))
  FROM "new_events";
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP FUNCTION "timeline_event_search_text"(text, text, text, text, jsonb);
--> statement-breakpoint
UPDATE "timeline_event_search" AS "s"
SET "document" = to_tsvector('simple', timeline_event_search_text(e."type", e."summary", e."name", e."command", e."path", e."payload"))
FROM "timeline_events" AS "e"
WHERE e."session_id" = s."session_id" AND e."ordinal" = s."ordinal"
  AND e."type" IN ('Message', 'Reasoning') AND e."payload" ? 'content';
