/**
 * `pnpm agent-push --server URL --token TOKEN`: streams this machine's agent logs to a Session
 * Coach server (docs/operations.md, "Running a team server"). Exit status: 0 stopped (or `--once`
 * with everything sent), 1 the server refused the token, 2 a bad flag.
 */
import { sessionDirsFromEnv } from '../../app.config'
import { redactSecrets } from '../../src/lib/redact-secrets'
import { AGENT_PUSH_USAGE, parseAgentPushArgs, UsageError } from './agent-push-options'
import { AgentPusher, FatalError } from './agent-pusher'
import { PushClient } from './push-client'

function line(level: 'info' | 'warn' | 'error', message: string) {
  const text = `${new Date().toISOString()} ${level.toUpperCase()} [agent-push] ${redactSecrets(message)}`
  if (level === 'info') console.log(text)
  else console.error(text)
}

async function main() {
  let parsed: ReturnType<typeof parseAgentPushArgs>
  try {
    parsed = parseAgentPushArgs(process.argv.slice(2), process.env, (value) =>
      sessionDirsFromEnv(value === undefined ? { ...process.env } : { ...process.env, SESSION_DIRS: value }),
    )
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(redactSecrets(error.message))
      process.exit(2)
    }
    throw error
  }
  if (parsed.help) {
    console.log(AGENT_PUSH_USAGE)
    return
  }
  const { options } = parsed
  const log = { info: (message: string) => line('info', message), warn: (message: string) => line('warn', message) }
  const client = new PushClient({ server: options.server, token: options.token, machine: options.machine })
  const pusher = new AgentPusher({
    client,
    dirs: options.dirs,
    idleMs: options.idleMs,
    chunkBytes: options.chunkBytes,
    maxBackoffMs: options.maxBackoffMs,
    log,
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => pusher.stop())
  log.info(`pushing ${options.dirs.join(', ')} from ${options.machine} to ${options.server}`)
  try {
    if (options.once) {
      const done = await pusher.passWithRetry()
      process.exitCode = done ? 0 : 3
      return
    }
    await pusher.run(options.intervalMs)
  } catch (error) {
    if (error instanceof FatalError) {
      line('error', error.message)
      process.exit(1)
    }
    throw error
  }
  log.info('stopped')
}

await main()
