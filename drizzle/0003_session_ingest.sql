CREATE TABLE "discovered_files" (
	"account_id" uuid NOT NULL,
	"path" text NOT NULL,
	"session_id" uuid,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"mtime_ms" bigint DEFAULT 0 NOT NULL,
	"file_identity" text DEFAULT '' NOT NULL,
	"offset_bytes" bigint DEFAULT 0 NOT NULL,
	"line_number" integer DEFAULT 0 NOT NULL,
	"parser_state" jsonb,
	"rejection" text,
	"updated_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "discovered_files_account_id_path_pk" PRIMARY KEY("account_id","path")
);
--> statement-breakpoint
CREATE TABLE "session_upload_chunks" (
	"upload_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"content" "bytea" NOT NULL,
	CONSTRAINT "session_upload_chunks_upload_id_seq_pk" PRIMARY KEY("upload_id","seq")
);
--> statement-breakpoint
ALTER TABLE "session_uploads" ALTER COLUMN "size_bytes" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "session_uploads" ALTER COLUMN "content_sha256" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "session_uploads" ALTER COLUMN "content_encoding" SET DEFAULT 'gzip';--> statement-breakpoint
ALTER TABLE "session_uploads" ADD COLUMN "completed_at" timestamp (6) with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "status" text DEFAULT 'complete' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "status_message" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "malformed_lines" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "legacy_key" text;--> statement-breakpoint
ALTER TABLE "discovered_files" ADD CONSTRAINT "discovered_files_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discovered_files" ADD CONSTRAINT "discovered_files_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_upload_chunks" ADD CONSTRAINT "session_upload_chunks_upload_id_session_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."session_uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "session_uploads_session_content_uq" ON "session_uploads" USING btree ("session_id","content_sha256");--> statement-breakpoint
ALTER TABLE "session_uploads" DROP COLUMN "content";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "live";--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_status_ck" CHECK (status in ('live', 'complete', 'failed', 'interrupted'));