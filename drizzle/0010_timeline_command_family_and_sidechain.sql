ALTER TABLE "timeline_events" ADD COLUMN "command_family" text;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD COLUMN "sidechain" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_command_family_ck" CHECK (command_family in ('git', 'package', 'test', 'build', 'search', 'read', 'remove', 'other'));--> statement-breakpoint
-- Events stored before this migration: sub-agent events were marked in their payload only.
UPDATE "timeline_events" SET "sidechain" = true WHERE "payload"->>'sidechain' = 'true';--> statement-breakpoint
-- Their command family, by the rules of src/domain/agent-logs/command-family.ts for the first
-- program after `cd …&&` prefixes, assignments and wrappers (new rows get the TypeScript result).
WITH "program" AS (
  SELECT "session_id", "ordinal", "rest",
         regexp_replace(substring("rest" from '^\S+'), '^.*/', '') AS "name"
  FROM (
    SELECT "session_id", "ordinal",
           regexp_replace("command",
             '^(\s*(cd|export|pushd|popd|source|set|unset|true|clear|echo|\.)(\s[^;&|\n]*)?(&&|\|\||;|\n|\|))*\s*([A-Za-z_][A-Za-z0-9_]*=\S*\s+)*((sudo|time|env|nohup|exec|command)\s+|timeout\s+[0-9]\S*\s+)*',
             '') AS "rest"
    FROM "timeline_events"
    WHERE "command" IS NOT NULL AND btrim("command") <> ''
  ) AS "stripped"
)
UPDATE "timeline_events" AS "event" SET "command_family" = CASE
    WHEN "program"."name" IN ('vitest', 'jest', 'pytest', 'mocha', 'playwright', 'ava', 'rspec', 'phpunit', 'ctest') THEN 'test'
    WHEN "program"."name" IN ('git', 'gh') THEN 'git'
    WHEN "program"."name" IN ('rm', 'rmdir', 'unlink', 'shred', 'trash') THEN 'remove'
    WHEN ("program"."name" IN ('npm', 'pnpm', 'yarn', 'bun', 'npx', 'pnpx', 'bunx', 'pip', 'pip3', 'uv', 'poetry', 'cargo', 'go', 'gem', 'bundle', 'composer', 'apt', 'apt-get', 'brew', 'deno', 'dotnet', 'mvn', 'gradle', 'tsc', 'make', 'cmake', 'ninja', 'webpack', 'esbuild', 'rollup', 'gcc', 'clang', 'javac', 'node') OR "program"."name" ~ '^python[0-9.]*$')
         AND substring("program"."rest" from '^[^;&|\n]*') ~ '(^|\s)(test|tests|e2e|vitest|jest|pytest|playwright|mocha|test:[A-Za-z0-9_:-]+)(\s|$)' THEN 'test'
    WHEN "program"."name" IN ('tsc', 'make', 'cmake', 'ninja', 'webpack', 'esbuild', 'rollup', 'gcc', 'clang', 'javac') THEN 'build'
    WHEN "program"."name" IN ('npm', 'pnpm', 'yarn', 'bun', 'npx', 'pnpx', 'bunx', 'pip', 'pip3', 'uv', 'poetry', 'cargo', 'go', 'gem', 'bundle', 'composer', 'apt', 'apt-get', 'brew', 'deno', 'dotnet', 'mvn', 'gradle')
         AND substring("program"."rest" from '^[^;&|\n]*') ~ '(^|\s)(build|compile|tsc|typecheck|build:[A-Za-z0-9_:-]+)(\s|$)' THEN 'build'
    WHEN "program"."name" IN ('npm', 'pnpm', 'yarn', 'bun', 'npx', 'pnpx', 'bunx', 'pip', 'pip3', 'uv', 'poetry', 'cargo', 'go', 'gem', 'bundle', 'composer', 'apt', 'apt-get', 'brew', 'deno', 'dotnet', 'mvn', 'gradle') THEN 'package'
    WHEN "program"."name" IN ('grep', 'egrep', 'rg', 'ag', 'ack', 'find', 'fd', 'locate') THEN 'search'
    WHEN "program"."name" IN ('cat', 'head', 'tail', 'less', 'more', 'sed', 'awk', 'ls', 'tree', 'wc', 'pwd', 'stat', 'file', 'du', 'jq', 'diff', 'nl') THEN 'read'
    ELSE 'other'
  END
FROM "program"
WHERE "event"."session_id" = "program"."session_id" AND "event"."ordinal" = "program"."ordinal";
