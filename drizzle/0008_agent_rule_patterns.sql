ALTER TABLE "agent_rules" ADD COLUMN "forbidden_commands" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_rules" ADD COLUMN "required_commands" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_rules" ADD COLUMN "forbidden_phrases" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_rules" ADD COLUMN "required_phrases" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_rules" ADD COLUMN "repo_root" text;--> statement-breakpoint
ALTER TABLE "agent_rules" ADD COLUMN "source_line" integer;