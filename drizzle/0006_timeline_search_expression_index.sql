DROP INDEX "timeline_events_search_idx";--> statement-breakpoint
CREATE INDEX "timeline_events_search_idx" ON "timeline_events" USING gin (to_tsvector('simple', coalesce(summary, '') || ' ' || coalesce(name, '') || ' ' || coalesce(command, '') || ' ' || coalesce(path, '')));--> statement-breakpoint
ALTER TABLE "timeline_events" DROP COLUMN "search_vector";