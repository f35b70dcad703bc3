-- Session-scoped rows must belong to their session's account: the composite key target first,
-- then each table's (session_id, account_id) foreign key replaces its session_id-only one. A
-- database that already holds a row of one account inside another account's session fails here,
-- on purpose: that row is served to the wrong account and must be looked at, not kept or dropped.
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_id_account_uq" UNIQUE("id","account_id");
--> statement-breakpoint
ALTER TABLE "agent_rules" DROP CONSTRAINT "agent_rules_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "chat_messages" DROP CONSTRAINT "chat_messages_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "chat_threads" DROP CONSTRAINT "chat_threads_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "chat_tool_events" DROP CONSTRAINT "chat_tool_events_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "hookify_decisions" DROP CONSTRAINT "hookify_decisions_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "misalignments" DROP CONSTRAINT "misalignments_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "session_repo_bindings" DROP CONSTRAINT "session_repo_bindings_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "session_uploads" DROP CONSTRAINT "session_uploads_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "timeline_events" DROP CONSTRAINT "timeline_events_session_id_sessions_id_fk";
--> statement-breakpoint
ALTER TABLE "agent_rules" ADD CONSTRAINT "agent_rules_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_threads" ADD CONSTRAINT "chat_threads_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_tool_events" ADD CONSTRAINT "chat_tool_events_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hookify_decisions" ADD CONSTRAINT "hookify_decisions_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misalignments" ADD CONSTRAINT "misalignments_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_repo_bindings" ADD CONSTRAINT "session_repo_bindings_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_uploads" ADD CONSTRAINT "session_uploads_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;
