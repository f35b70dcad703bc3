import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/db/client'
import {
  agentRules,
  apiTokens,
  chatToolEvents,
  hookifyDecisions,
  sessionRepoBindings,
  sessionUploadChunks,
  sessionUploads,
  timelineEvents,
} from '../../src/db/schema'
import { chatMessagesRepository } from '../../src/server/repositories/chat-messages-repository'
import { chatThreadsRepository } from '../../src/server/repositories/chat-threads-repository'
import { misalignmentsRepository } from '../../src/server/repositories/misalignments-repository'
import { sessionsRepository } from '../../src/server/repositories/sessions-repository'
import { shareLinksRepository } from '../../src/server/repositories/share-links-repository'
import { todosRepository } from '../../src/server/repositories/todos-repository'
import { seedAccountWithSession } from './seed'

/** An account with two sessions and a row in every replicated table for each session. */
export async function seedAccountWithEverything(db: Database, name: string) {
  const { account, user, session } = await seedAccountWithSession(db, name)
  const { session: second } = await sessionsRepository.findOrCreateSession(db, {
    accountId: account.id,
    sourceKey: `test:${randomUUID()}`,
    title: `${name} second session`,
    source: 'upload',
  })
  for (const s of [session, second]) {
    const { thread } = await chatThreadsRepository.getOrCreateActiveThread(db, {
      accountId: account.id,
      sessionId: s.id,
      mode: 'session',
    })
    const { message } = await chatMessagesRepository.appendMessage(db, {
      accountId: account.id,
      threadId: thread.id,
      role: 'user',
      content: `${name} asks`,
    })
    await db.insert(chatToolEvents).values({
      accountId: account.id,
      sessionId: s.id,
      threadId: thread.id,
      messageId: message.id,
      toolName: 'get_timeline_event',
      status: 'executing',
      arguments: { eventNumber: 1 },
    })
    await misalignmentsRepository.upsertDetected(db, {
      accountId: account.id,
      sessionId: s.id,
      ruleId: 'no-force-push',
      title: 'No force push',
      summary: 'force push',
      severity: 'high',
      evidence: [],
    })
    await db.insert(hookifyDecisions).values({
      accountId: account.id,
      sessionId: s.id,
      source: 'manual',
      contentHash: 'a'.repeat(64),
      severity: 'high',
      blocked: true,
      rules: [{ id: 'no-force-push', severity: 'high' }],
    })
    await db.insert(agentRules).values({
      accountId: account.id,
      sessionId: s.id,
      ruleId: 'no-force-push',
      heading: 'Git',
      summary: 'Never force push',
      severity: 'high',
      keywords: ['force', 'push'],
    })
    await db
      .insert(sessionRepoBindings)
      .values({ accountId: account.id, sessionId: s.id, assetPath: 'uploads/x.jsonl', rootDir: '/repo' })
    const [upload] = await db
      .insert(sessionUploads)
      .values({
        accountId: account.id,
        sessionId: s.id,
        originalName: 'rollout.jsonl',
        sizeBytes: 12,
        contentSha256: 'b'.repeat(64),
        contentEncoding: 'identity',
        completedAt: new Date(),
      })
      .returning()
    await db
      .insert(sessionUploadChunks)
      .values({ uploadId: upload.id, seq: 0, content: Buffer.from(`${name} SECRET CONTENT`) })
    await db.insert(timelineEvents).values([
      { accountId: account.id, sessionId: s.id, ordinal: 0, type: 'Message', role: 'user', summary: `${name} hello` },
      {
        accountId: account.id,
        sessionId: s.id,
        ordinal: 1,
        type: 'LocalShellCall',
        command: 'rm -rf dist',
        summary: 'Shell rm',
      },
    ])
  }
  await todosRepository.createTodo(db, { accountId: account.id, text: `${name} todo`, sessionId: session.id })
  await db.insert(apiTokens).values({
    accountId: account.id,
    userId: user.id,
    name: `${name} token`,
    prefix: 'sct_abcdefgh',
    tokenHash: randomUUID().replaceAll('-', '').repeat(2),
    scopes: ['ingest'],
  })
  // A link to the first session with everything included; its token is returned for share tests.
  const { token: shareToken, link: shareLink } = await shareLinksRepository.createLink(
    db,
    { accountId: account.id, userId: user.id },
    session.id,
    { includeUploads: true, includeRules: true, includeCoach: true, expiresAt: null },
  )
  return { account, user, session, second, principal: { account, user }, shareToken, shareLink }
}
