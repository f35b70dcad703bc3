-- Electric (and the embedded shape server) need the old row on update/delete to compute moves
-- and changed columns; every table replicated to browsers keeps its full old tuple in the WAL.
ALTER TABLE "sessions" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "session_uploads" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "timeline_events" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "chat_threads" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "chat_messages" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "chat_tool_events" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "misalignments" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "hookify_decisions" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "agent_rules" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "session_repo_bindings" REPLICA IDENTITY FULL;
--> statement-breakpoint
ALTER TABLE "todos" REPLICA IDENTITY FULL;
