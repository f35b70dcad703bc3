-- Ingest writes about a thousand events per MB of log, and the composite foreign key
-- (session_id, account_id) → sessions (id, account_id) checked each one with a query of its own: a
-- fifth of Postgres' ingest work (docs/benchmarks.md, "Ingest"). The guarantee stays the same — an
-- event always belongs to a session of its own account, and goes when its session goes — but is
-- now kept by statement-level triggers that check each statement's distinct sessions once.
ALTER TABLE "timeline_events" DROP CONSTRAINT "timeline_events_session_account_fk";
--> statement-breakpoint
-- New or changed events must name a session of their account. FOR KEY SHARE, as the foreign key's
-- own check takes: that session cannot be deleted, nor its id or account changed, until this
-- transaction ends. Raised as the foreign key's violation (23503, same constraint name).
CREATE FUNCTION "timeline_events_check_session"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  "missing" record;
BEGIN
  PERFORM 1 FROM "sessions" AS "s"
  WHERE ("s"."id", "s"."account_id") IN (SELECT DISTINCT "session_id", "account_id" FROM "new_events")
  FOR KEY SHARE OF "s";
  SELECT "e"."session_id", "e"."account_id" INTO "missing"
  FROM (SELECT DISTINCT "session_id", "account_id" FROM "new_events") AS "e"
  WHERE NOT EXISTS (SELECT 1 FROM "sessions" AS "s" WHERE "s"."id" = "e"."session_id" AND "s"."account_id" = "e"."account_id")
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "timeline_events" violates foreign key constraint "timeline_events_session_account_fk"'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'timeline_events_session_account_fk', TABLE = 'timeline_events',
            DETAIL = format('Key (session_id, account_id)=(%s, %s) is not present in table "sessions".', "missing"."session_id", "missing"."account_id");
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "timeline_events_check_session_insert" AFTER INSERT ON "timeline_events"
  REFERENCING NEW TABLE AS "new_events" FOR EACH STATEMENT EXECUTE FUNCTION "timeline_events_check_session"();
--> statement-breakpoint
CREATE TRIGGER "timeline_events_check_session_update" AFTER UPDATE ON "timeline_events"
  REFERENCING NEW TABLE AS "new_events" FOR EACH STATEMENT EXECUTE FUNCTION "timeline_events_check_session"();
--> statement-breakpoint
-- Deleting a session deletes its events (the foreign key's ON DELETE CASCADE), in the same statement.
CREATE FUNCTION "sessions_delete_timeline_events"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "timeline_events" AS "e" USING "deleted_sessions" AS "d" WHERE "e"."session_id" = "d"."id";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sessions_delete_timeline_events" AFTER DELETE ON "sessions"
  REFERENCING OLD TABLE AS "deleted_sessions" FOR EACH STATEMENT EXECUTE FUNCTION "sessions_delete_timeline_events"();
--> statement-breakpoint
-- A session's id or account cannot change while events name the old pair (the foreign key's NO ACTION).
CREATE FUNCTION "sessions_keep_timeline_events_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM "old_sessions" AS "o"
    WHERE NOT EXISTS (SELECT 1 FROM "sessions" AS "s" WHERE "s"."id" = "o"."id" AND "s"."account_id" = "o"."account_id")
      AND EXISTS (SELECT 1 FROM "timeline_events" AS "e" WHERE "e"."session_id" = "o"."id" AND "e"."account_id" = "o"."account_id")
  ) THEN
    RAISE EXCEPTION 'update on table "sessions" violates foreign key constraint "timeline_events_session_account_fk" on table "timeline_events"'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'timeline_events_session_account_fk', TABLE = 'sessions';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sessions_keep_timeline_events_key" AFTER UPDATE ON "sessions"
  REFERENCING OLD TABLE AS "old_sessions" FOR EACH STATEMENT EXECUTE FUNCTION "sessions_keep_timeline_events_key"();
--> statement-breakpoint
-- Emptying sessions empties the events (the foreign key made a plain TRUNCATE of sessions fail, and
-- TRUNCATE … CASCADE reached the events). A DELETE, as a TRUNCATE cascading from accounts may be
-- truncating the events in this very statement (and then there is nothing left to delete).
CREATE FUNCTION "sessions_truncate_timeline_events"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "timeline_events";
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sessions_truncate_timeline_events" AFTER TRUNCATE ON "sessions"
  FOR EACH STATEMENT EXECUTE FUNCTION "sessions_truncate_timeline_events"();
