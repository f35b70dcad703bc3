/**
 * `POST /api/sessions/<id>/rules`: an instruction file as the request body (markdown, read up to
 * MAX_INSTRUCTION_FILE_BYTES), stored as the session's rules under `?name=` (default
 * `AGENTS.md`), then detection re-runs. Answers 201 with what was stored, or a 4xx whose message
 * says what to change.
 */
import type { Executor } from '~/db/client'
import { MAX_INSTRUCTION_FILE_BYTES } from '~/domain/rules/limits'
import { BodyTooLargeError, formatBytes, readTextWithin } from '~/server/http/body-limit'
import { RepositoryError } from '~/server/repositories/errors'
import { sessionsRepository } from '~/server/repositories/sessions-repository'
import { storeInstructionFile } from './session-rules'

const NO_STORE = { 'cache-control': 'no-store' }
const FILE_NAME = /^[\w.@+-][\w .@+/-]{0,199}$/

function answer(status: number, body: Record<string, unknown>) {
  return Response.json(body, { status, headers: NO_STORE })
}

export async function uploadSessionRules(
  db: Executor,
  principal: { accountId: string; userId: string },
  input: { sessionId: string; request: Request },
): Promise<Response> {
  const name = new URL(input.request.url).searchParams.get('name')?.trim() || 'AGENTS.md'
  if (!FILE_NAME.test(name) || name.includes('..')) {
    return answer(400, {
      message: 'The name parameter must be a file name such as AGENTS.md or .cursor/rules/git.mdc (no "..").',
    })
  }
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.sessionId)
  const session = isUuid ? await sessionsRepository.findAccessibleSession(db, principal, input.sessionId) : undefined
  if (!session) {
    return answer(404, { message: 'There is no such session in your account (or it is not shared with you).' })
  }
  let markdown: string
  try {
    markdown = await readTextWithin(input.request, MAX_INSTRUCTION_FILE_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return answer(413, {
        message: `The instruction file is larger than ${formatBytes(MAX_INSTRUCTION_FILE_BYTES)}; send the file itself, not an archive.`,
      })
    }
    throw error
  }
  if (markdown.trim() === '') {
    return answer(400, { message: 'The body is empty: send the instruction file (markdown) as the request body.' })
  }
  try {
    const change = await storeInstructionFile(db, session, { name, markdown: markdown.replaceAll('\u0000', '\uFFFD') })
    return answer(201, { sessionId: session.id, name, ...change })
  } catch (error) {
    if (error instanceof RepositoryError && error.code === 'invalid_input')
      return answer(400, { message: error.message })
    throw error
  }
}
