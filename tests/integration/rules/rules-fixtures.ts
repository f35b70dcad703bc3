/**
 * The rules suites' shared inputs: the fixture AGENTS.md, the Codex session that breaks three of
 * its rules, and the ids of exactly the rules that session must fire.
 */
import { readFileSync } from 'node:fs'

export const RULES_FIXTURES = new URL('../../fixtures/rules/', import.meta.url)
export const AGENTS_MD = readFileSync(new URL('AGENTS.md', RULES_FIXTURES), 'utf8')
export const SESSION_LOG = readFileSync(new URL('../agent-logs/codex/synthetic-acme-api.jsonl', RULES_FIXTURES), 'utf8')
export const FIRED = [
  'safety-do-not-commit-with-no-verify-the',
  'safety-never-force-push-git-push-force-rewrites',
  'safety-never-run-rm-rf-on-build',
]
