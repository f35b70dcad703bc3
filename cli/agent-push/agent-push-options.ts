/**
 * Command-line flags of `pnpm agent-push`, checked with zod. A bad flag is a `UsageError` (exit
 * status 2) whose message says what was wrong and how to call the command.
 */
import { hostname } from 'node:os'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { machineSchema } from '../../src/domain/push/push-protocol'

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${AGENT_PUSH_USAGE}`)
    this.name = 'UsageError'
  }
}

export const AGENT_PUSH_USAGE = `Usage: pnpm agent-push --server URL --token TOKEN [options]

Streams this machine's agent logs (new and growing .jsonl/.ndjson files under SESSION_DIRS) to a
Session Coach server, resuming from the server's offsets. Runs until stopped (Ctrl-C).

  --server URL        the server's address, e.g. https://coach.example.com (required)
  --token TOKEN       an API token with the "ingest" scope, from Settings → API tokens on that
                      server (required; or set AGENT_PUSH_TOKEN, which keeps it out of the process list)
  --dirs PATHS        folders to watch, separated by "${process.platform === 'win32' ? ';' : ':'}" (default: SESSION_DIRS,
                      else ~/.codex/sessions, ~/.gemini/tmp and ~/.claude/projects)
  --machine NAME      the name this machine's sessions carry (default: this hostname)
  --interval MS       how often to look for new bytes (default 1000)
  --idle-ms MS        a log unchanged this long is marked complete on the server (default 120000)
  --chunk-bytes N     the most bytes sent in one request (default 1048576)
  --max-backoff-ms MS the longest wait between retries after a network failure (default 30000)
  --once              push what is there now, then exit (0 when everything was sent)
  --help              show this text`

const positiveInt = (flag: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} must be a whole number`)
    .transform(Number)
    .refine((value) => value >= min && value <= max, `${flag} must be between ${min} and ${max}`)

export const agentPushOptionsSchema = z.object({
  server: z
    .string({ message: '--server URL is required (the address of the Session Coach server)' })
    .trim()
    .refine(
      (value) => /^https?:\/\/[^/\s]+/.test(value),
      '--server must be an http(s) URL such as https://coach.example.com',
    )
    .transform((value) => value.replace(/\/+$/, '')),
  token: z
    .string({ message: '--token TOKEN (or AGENT_PUSH_TOKEN) is required: create one in Settings → API tokens' })
    .trim()
    .regex(
      /^sct_[A-Za-z0-9_-]{43}$/,
      '--token must be a whole API token ("sct_" and 43 more characters); copy it again from Settings → API tokens',
    ),
  dirs: z.array(z.string()).min(1, 'No folder to watch: --dirs (or SESSION_DIRS) is empty'),
  machine: machineSchema,
  intervalMs: positiveInt('--interval', 50, 3_600_000).default(1000),
  idleMs: positiveInt('--idle-ms', 1000, 7 * 24 * 3_600_000).default(120_000),
  chunkBytes: positiveInt('--chunk-bytes', 1024, 4 * 1024 * 1024).default(1024 * 1024),
  maxBackoffMs: positiveInt('--max-backoff-ms', 100, 3_600_000).default(30_000),
  once: z.boolean().default(false),
})
export type AgentPushOptions = z.output<typeof agentPushOptionsSchema>

export type ParsedArgs = { help: true } | { help: false; options: AgentPushOptions }

/**
 * `argv` without node and the script; `env` supplies AGENT_PUSH_TOKEN; `parseDirs` turns `--dirs`
 * (undefined: not given) into folders with SESSION_DIRS' default and semantics.
 */
export function parseAgentPushArgs(
  argv: string[],
  env: Record<string, string | undefined>,
  parseDirs: (value: string | undefined) => string[],
): ParsedArgs {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        dirs: { type: 'string' },
        machine: { type: 'string' },
        interval: { type: 'string' },
        'idle-ms': { type: 'string' },
        'chunk-bytes': { type: 'string' },
        'max-backoff-ms': { type: 'string' },
        once: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) return { help: true }
  const dirs = parseDirs(typeof values.dirs === 'string' ? values.dirs : undefined)
  const parsed = agentPushOptionsSchema.safeParse({
    server: values.server,
    token: values.token ?? env.AGENT_PUSH_TOKEN,
    dirs,
    machine: values.machine ?? hostname(),
    intervalMs: values.interval,
    idleMs: values['idle-ms'],
    chunkBytes: values['chunk-bytes'],
    maxBackoffMs: values['max-backoff-ms'],
    once: values.once,
  })
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map((issue) => (issue.path[0] === 'machine' ? `--machine: ${issue.message}` : issue.message))
        .join('\n'),
    )
  }
  return { help: false, options: parsed.data }
}
