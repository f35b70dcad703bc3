CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"expires_at" timestamp (6) with time zone,
	"last_used_at" timestamp (6) with time zone,
	"revoked_at" timestamp (6) with time zone,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_tokens_scopes_ck" CHECK (scopes <@ array['ingest', 'read']::text[] and cardinality(scopes) > 0),
	CONSTRAINT "api_tokens_name_ck" CHECK (length(btrim(name)) between 1 and 80)
);
--> statement-breakpoint
CREATE TABLE "pushed_sources" (
	"account_id" uuid NOT NULL,
	"machine" text NOT NULL,
	"source_key" text NOT NULL,
	"session_id" uuid,
	"offset_bytes" bigint DEFAULT 0 NOT NULL,
	"line_number" integer DEFAULT 0 NOT NULL,
	"pending_bytes" "bytea",
	"parser_state" jsonb,
	"rejection" text,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pushed_sources_account_id_machine_source_key_pk" PRIMARY KEY("account_id","machine","source_key"),
	CONSTRAINT "pushed_sources_offset_ck" CHECK (offset_bytes >= 0 and line_number >= 0)
);
--> statement-breakpoint
ALTER TABLE "sessions" DROP CONSTRAINT "sessions_source_ck";--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "machine" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "pushed_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "pushed_by_name" text;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pushed_sources" ADD CONSTRAINT "pushed_sources_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pushed_sources" ADD CONSTRAINT "pushed_sources_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_uq" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_account_idx" ON "api_tokens" USING btree ("account_id","created_at");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_pushed_by_user_id_users_id_fk" FOREIGN KEY ("pushed_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_source_ck" CHECK (source in ('upload', 'discovered', 'pushed', 'legacy'));--> statement-breakpoint
-- Settings lists the tokens through a shape (src/sync/catalog.ts): the full old row in the WAL, as every replicated table.
ALTER TABLE "api_tokens" REPLICA IDENTITY FULL;