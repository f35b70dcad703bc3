/**
 * Where a session's rules come from: its repository (bound automatically from the session's cwd,
 * or to a folder a person names) or an instruction file pasted or uploaded for it. Every change of
 * the rules re-runs misalignment detection.
 */
import { createHash } from 'node:crypto'
import { getConfig } from '@config'
import type { Executor } from '~/db/client'
import type { Session } from '~/db/schema'
import { parseInstructions } from '~/domain/rules/parse-instructions'
import { agentRulesRepository } from '~/server/repositories/agent-rules-repository'
import { InvalidInputError } from '~/server/repositories/errors'
import { sessionRepoBindingsRepository } from '~/server/repositories/session-repo-bindings-repository'
import { detectSessionMisalignments } from './detect-session'
import { findInstructionFiles } from './instruction-files'
import { type RepoRootPolicy, resolveRepoRoot } from './repo-root'

type SessionRef = Pick<Session, 'id' | 'accountId'> &
  Partial<Pick<Session, 'cwd' | 'originalName' | 'sourcePath' | 'title'>>

export interface RulesChange {
  txid: number
  ruleCount: number
  checkableRules: number
  misalignments: number
}

export function repoRootPolicy(): RepoRootPolicy {
  const config = getConfig()
  return { allowedRoots: config.RULES_REPO_ROOTS, allowAnywhere: config.AUTH_MODE === 'local' }
}

function sha256(text: string) {
  return createHash('sha256').update(text).digest('hex')
}

async function redetect(db: Executor, session: SessionRef, txid: number, ruleCount: number): Promise<RulesChange> {
  const detection = await detectSessionMisalignments(db, session)
  return {
    txid: Math.max(txid, detection.txid ?? 0),
    ruleCount,
    checkableRules: detection.checkableRules,
    misalignments: detection.fired,
  }
}

/** A pasted or uploaded instruction file: replaces the rules earlier read from the same name. */
export async function storeInstructionFile(
  db: Executor,
  session: SessionRef,
  file: { name: string; markdown: string },
): Promise<RulesChange> {
  const rules = parseInstructions(file.markdown, file.name)
  if (rules.length === 0) {
    throw new InvalidInputError(
      `${file.name} holds no rules: write each rule as a list item or a paragraph under a heading.`,
    )
  }
  const { txid } = await agentRulesRepository.replaceRules(db, {
    accountId: session.accountId,
    sessionId: session.id,
    repoRoot: null,
    files: [{ sourcePath: file.name, sourceSha256: sha256(file.markdown), rules }],
  })
  return redetect(db, session, txid, rules.length)
}

/**
 * Binds the session to the repository around `folder` (default: the session's cwd) and reads its
 * instruction files. Refused (400, with the reason) when the folder is not on this server or not
 * inside RULES_REPO_ROOTS.
 */
export async function bindSessionRepository(
  db: Executor,
  session: SessionRef,
  folder?: string | null,
  policy: RepoRootPolicy = repoRootPolicy(),
): Promise<RulesChange & { rootDir: string; files: string[] }> {
  const resolved = await resolveRepoRoot(folder ?? session.cwd, policy)
  if (!resolved.ok) throw new InvalidInputError(resolved.reason)
  const files = await findInstructionFiles(resolved.root)
  const parsed = files.map((file) => ({
    sourcePath: file.path,
    sourceSha256: file.sha256,
    rules: parseInstructions(file.content, file.path),
  }))
  await sessionRepoBindingsRepository.bindRepository(db, {
    accountId: session.accountId,
    sessionId: session.id,
    assetPath: session.originalName ?? session.sourcePath ?? session.title ?? session.id,
    rootDir: resolved.root,
  })
  const { txid } = await agentRulesRepository.replaceRules(db, {
    accountId: session.accountId,
    sessionId: session.id,
    repoRoot: resolved.root,
    files: parsed,
  })
  const ruleCount = parsed.reduce((sum, file) => sum + file.rules.length, 0)
  return { ...(await redetect(db, session, txid, ruleCount)), rootDir: resolved.root, files: files.map((f) => f.path) }
}

/** Unbinds the repository and drops the rules read from it (pasted files stay). */
export async function clearSessionRepository(db: Executor, session: SessionRef) {
  await sessionRepoBindingsRepository.clearBinding(db, session.accountId, session.id)
  const { txid } = await agentRulesRepository.dropRepositoryRules(db, session.accountId, session.id)
  return { txid }
}

/** Ingest's automatic binding for a new session: quietly nothing when its cwd is not here. */
export async function bindAutomatically(db: Executor, session: SessionRef) {
  const resolved = await resolveRepoRoot(session.cwd, repoRootPolicy())
  if (!resolved.ok) return null
  return bindSessionRepository(db, session, resolved.root)
}
