CREATE TABLE "share_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"created_by" uuid,
	"token_hash" text NOT NULL,
	"include_uploads" boolean DEFAULT false NOT NULL,
	"include_rules" boolean DEFAULT false NOT NULL,
	"include_coach" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp (6) with time zone,
	"revoked_at" timestamp (6) with time zone,
	"last_viewed_at" timestamp (6) with time zone,
	"view_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (6) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "share_links_view_count_ck" CHECK (view_count >= 0)
);
--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_session_account_fk" FOREIGN KEY ("session_id","account_id") REFERENCES "public"."sessions"("id","account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "share_links_token_hash_uq" ON "share_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "share_links_account_idx" ON "share_links" USING btree ("account_id","created_at");--> statement-breakpoint
-- Synced to the owner's Settings (share_links shape): the shape server needs the old row on update.
ALTER TABLE "share_links" REPLICA IDENTITY FULL;