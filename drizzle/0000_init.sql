CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"rule_id" text NOT NULL,
	"heading" text NOT NULL,
	"summary" text NOT NULL,
	"severity" text NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"source_path" text,
	"source_sha256" text,
	"captured_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_rules_severity_ck" CHECK (severity in ('info', 'low', 'medium', 'high', 'critical'))
);
--> statement-breakpoint
CREATE TABLE "auth_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (6) with time zone NOT NULL,
	"last_seen_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp (6) with time zone,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "chat_messages" (
	"id" text PRIMARY KEY DEFAULT ('chat_' || gen_random_uuid()) NOT NULL,
	"thread_id" text NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"role" text NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'complete' NOT NULL,
	"seq" bigint NOT NULL,
	"client_message_id" text,
	"misalignment_id" text,
	"evidence" jsonb,
	"context_events" jsonb,
	"model" text,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_messages_mode_ck" CHECK (mode in ('session', 'general')),
	CONSTRAINT "chat_messages_role_ck" CHECK (role in ('system', 'user', 'assistant')),
	CONSTRAINT "chat_messages_status_ck" CHECK (status in ('complete', 'streaming', 'failed')),
	CONSTRAINT "chat_messages_seq_ck" CHECK (seq >= 1)
);
--> statement-breakpoint
CREATE TABLE "chat_threads" (
	"id" text PRIMARY KEY DEFAULT ('thread_' || gen_random_uuid()) NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"title" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"message_count" integer DEFAULT 0 NOT NULL,
	"last_message_preview" text,
	"last_message_at" timestamp (6) with time zone,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_threads_mode_ck" CHECK (mode in ('session', 'general')),
	CONSTRAINT "chat_threads_status_ck" CHECK (status in ('active', 'archived')),
	CONSTRAINT "chat_threads_count_ck" CHECK (message_count >= 0),
	CONSTRAINT "chat_threads_preview_ck" CHECK (char_length(last_message_preview) <= 280)
);
--> statement-breakpoint
CREATE TABLE "chat_tool_events" (
	"id" text PRIMARY KEY DEFAULT ('tool_' || gen_random_uuid()) NOT NULL,
	"session_id" uuid NOT NULL,
	"thread_id" text,
	"message_id" text,
	"account_id" uuid NOT NULL,
	"tool_call_id" text,
	"tool_name" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"arguments" jsonb,
	"result" jsonb,
	"error" text,
	"started_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp (6) with time zone,
	"latency_ms" integer,
	"context_events" jsonb,
	CONSTRAINT "chat_tool_events_status_ck" CHECK (status in ('pending', 'executing', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "hookify_decisions" (
	"id" text PRIMARY KEY DEFAULT ('hook_' || gen_random_uuid()) NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"source" text NOT NULL,
	"content_hash" text NOT NULL,
	"severity" text NOT NULL,
	"blocked" boolean NOT NULL,
	"rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"message" text,
	"annotations" text,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hookify_decisions_source_ck" CHECK (source in ('timeline', 'session', 'manual')),
	CONSTRAINT "hookify_decisions_severity_ck" CHECK (severity in ('none', 'info', 'low', 'medium', 'high', 'critical')),
	CONSTRAINT "hookify_decisions_blocked_ck" CHECK (blocked = (severity in ('high', 'critical'))),
	CONSTRAINT "hookify_decisions_hash_ck" CHECK (content_hash ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "hookify_decisions_rules_ck" CHECK (jsonb_typeof(rules) = 'array' and jsonb_array_length(rules) <= 5)
);
--> statement-breakpoint
CREATE TABLE "legacy_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"account_id" uuid,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"mode" text DEFAULT 'import' NOT NULL,
	"backup_path" text,
	"started_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (6) with time zone
);
--> statement-breakpoint
CREATE TABLE "misalignments" (
	"id" text PRIMARY KEY DEFAULT ('misalignment_' || gen_random_uuid()) NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"rule_id" text NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT 'Misalignment detected' NOT NULL,
	"severity" text DEFAULT 'medium' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"event_range" jsonb,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "misalignments_severity_ck" CHECK (severity in ('info', 'low', 'medium', 'high', 'critical')),
	CONSTRAINT "misalignments_status_ck" CHECK (status in ('open', 'acknowledged', 'dismissed'))
);
--> statement-breakpoint
CREATE TABLE "session_members" (
	"session_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_members_session_id_user_id_pk" PRIMARY KEY("session_id","user_id"),
	CONSTRAINT "session_members_role_ck" CHECK (role in ('owner', 'editor', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "session_repo_bindings" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"asset_path" text NOT NULL,
	"root_dir" text NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_uploads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"original_name" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"content_sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"content_encoding" text DEFAULT 'identity' NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"source_key" text NOT NULL,
	"title" text NOT NULL,
	"origin" text DEFAULT 'unknown' NOT NULL,
	"source" text NOT NULL,
	"original_name" text,
	"source_path" text,
	"repo_name" text,
	"branch" text,
	"commit_sha" text,
	"remote_url" text,
	"cwd" text,
	"cli_version" text,
	"model" text,
	"started_at" timestamp (6) with time zone,
	"last_event_at" timestamp (6) with time zone,
	"event_count" integer DEFAULT 0 NOT NULL,
	"error_line_count" integer DEFAULT 0 NOT NULL,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"live" boolean DEFAULT false NOT NULL,
	"archived_at" timestamp (6) with time zone,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_origin_ck" CHECK (origin in ('codex', 'gemini-cli', 'claude-code', 'unknown')),
	CONSTRAINT "sessions_source_ck" CHECK (source in ('upload', 'discovered', 'legacy')),
	CONSTRAINT "sessions_counts_ck" CHECK (event_count >= 0 and error_line_count >= 0 and size_bytes >= 0)
);
--> statement-breakpoint
CREATE TABLE "timeline_events" (
	"session_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"account_id" uuid NOT NULL,
	"event_key" text,
	"type" text NOT NULL,
	"role" text,
	"at" timestamp (6) with time zone,
	"name" text,
	"command" text,
	"path" text,
	"exit_code" integer,
	"duration_ms" integer,
	"summary" text DEFAULT '' NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(summary, '') || ' ' || coalesce(name, '') || ' ' || coalesce(command, '') || ' ' || coalesce(path, ''))) STORED,
	CONSTRAINT "timeline_events_session_id_ordinal_pk" PRIMARY KEY("session_id","ordinal"),
	CONSTRAINT "timeline_events_type_ck" CHECK (type in ('Message', 'Reasoning', 'FunctionCall', 'LocalShellCall', 'WebSearchCall', 'CustomToolCall', 'FileChange', 'Other')),
	CONSTRAINT "timeline_events_ordinal_ck" CHECK (ordinal >= 0)
);
--> statement-breakpoint
CREATE TABLE "todos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"session_id" uuid,
	"text" text NOT NULL,
	"completed" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "todos_text_ck" CHECK (length(btrim(text)) > 0)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"display_name" text NOT NULL,
	"email" text,
	"password_hash" text,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "agent_rules" ADD CONSTRAINT "agent_rules_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_rules" ADD CONSTRAINT "agent_rules_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_thread_id_chat_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."chat_threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_threads" ADD CONSTRAINT "chat_threads_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_threads" ADD CONSTRAINT "chat_threads_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_tool_events" ADD CONSTRAINT "chat_tool_events_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_tool_events" ADD CONSTRAINT "chat_tool_events_thread_id_chat_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."chat_threads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_tool_events" ADD CONSTRAINT "chat_tool_events_message_id_chat_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."chat_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_tool_events" ADD CONSTRAINT "chat_tool_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hookify_decisions" ADD CONSTRAINT "hookify_decisions_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hookify_decisions" ADD CONSTRAINT "hookify_decisions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legacy_imports" ADD CONSTRAINT "legacy_imports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misalignments" ADD CONSTRAINT "misalignments_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "misalignments" ADD CONSTRAINT "misalignments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_members" ADD CONSTRAINT "session_members_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_members" ADD CONSTRAINT "session_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_repo_bindings" ADD CONSTRAINT "session_repo_bindings_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_repo_bindings" ADD CONSTRAINT "session_repo_bindings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_uploads" ADD CONSTRAINT "session_uploads_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_uploads" ADD CONSTRAINT "session_uploads_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_rules_session_rule_uq" ON "agent_rules" USING btree ("session_id","rule_id");--> statement-breakpoint
CREATE INDEX "auth_sessions_user_idx" ON "auth_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_messages_thread_seq_uq" ON "chat_messages" USING btree ("thread_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_messages_thread_client_id_uq" ON "chat_messages" USING btree ("thread_id","client_message_id");--> statement-breakpoint
CREATE INDEX "chat_messages_session_idx" ON "chat_messages" USING btree ("session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_threads_one_active_uq" ON "chat_threads" USING btree ("session_id","mode") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "chat_threads_session_idx" ON "chat_threads" USING btree ("session_id","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "chat_tool_events_session_idx" ON "chat_tool_events" USING btree ("session_id","started_at");--> statement-breakpoint
CREATE INDEX "chat_tool_events_thread_idx" ON "chat_tool_events" USING btree ("thread_id");--> statement-breakpoint
CREATE INDEX "hookify_decisions_session_idx" ON "hookify_decisions" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "misalignments_session_rule_uq" ON "misalignments" USING btree ("session_id","rule_id");--> statement-breakpoint
CREATE INDEX "session_members_user_idx" ON "session_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "session_uploads_session_idx" ON "session_uploads" USING btree ("session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_account_source_key_uq" ON "sessions" USING btree ("account_id","source_key");--> statement-breakpoint
CREATE INDEX "sessions_account_last_event_idx" ON "sessions" USING btree ("account_id","last_event_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "timeline_events_session_at_idx" ON "timeline_events" USING btree ("session_id","at");--> statement-breakpoint
CREATE INDEX "timeline_events_search_idx" ON "timeline_events" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "todos_account_idx" ON "todos" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "users_account_idx" ON "users" USING btree ("account_id");