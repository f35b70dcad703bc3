/**
 * Runtime configuration: the one module that reads environment variables. Every variable is
 * validated here with a documented default; anything invalid is reported all at once with a fix.
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { z } from 'zod'

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes')

const port = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback)

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), {
    message: 'must be a postgres:// or postgresql:// connection URL, e.g. postgres://user:pass@host:5432/db',
  })

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^/]+/.test(value), {
    message: 'must be an http(s) URL such as http://127.0.0.1:3001',
  })
  .transform((value) => value.replace(/\/+$/, ''))

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value)

export const DEFAULT_SESSION_DIRS = ['~/.codex/sessions', '~/.gemini/tmp', '~/.claude/projects'].join(delimiter)

/** `~/a:/b` (the OS path delimiter, like PATH) → absolute paths; set but empty → [] (discovery off). */
const sessionDirs = z
  .string()
  .default(DEFAULT_SESSION_DIRS)
  .transform((value) =>
    value
      .split(delimiter)
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => resolve(part === '~' || part.startsWith('~/') ? homedir() + part.slice(1) : part)),
  )

/** PATH-style folder list (`~` expanded, made absolute); unset or empty → []. */
const folderList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(delimiter)
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => resolve(part === '~' || part.startsWith('~/') ? homedir() + part.slice(1) : part)),
  )

/** `a, b ,c` → ['a', 'b', 'c']; unset or empty → []. */
const commaList = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : (value ?? []),
    z.array(item),
  )

/** `host` or `host:port` as a browser sends it in the Host header (IPv6 in brackets). */
const hostName = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, {
    message: 'each entry must be a host name with an optional port, e.g. coach.example.com or 10.0.0.5:3000',
  })
  .transform((value) => value.toLowerCase())

/** An IPv4 or IPv6 address (no ranges): what the socket's remote address is compared with. */
const ipAddress = z.union([z.ipv4(), z.ipv6()], {
  message: 'each entry must be an IP address such as 127.0.0.1 or ::1 (no ranges or names)',
})

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** Unset: the embedded Postgres under DATA_DIR/postgres is started by `npm start` / `pnpm dev`. */
    DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.optional()),
    DATA_DIR: z.string().trim().min(1).default('.data'),
    EMBEDDED_PG_PORT: port(54329),
    PORT: port(3000),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    /** Unset: the embedded shape server is started on SHAPE_SERVER_PORT. */
    ELECTRIC_URL: z.preprocess(emptyToUndefined, httpUrl.optional()),
    ELECTRIC_SECRET: z.preprocess(emptyToUndefined, z.string().min(8, 'must be at least 8 characters').optional()),
    SHAPE_SERVER_PORT: port(3001),
    SHAPE_SERVER_LONG_POLL_MS: z.coerce.number().int().min(100).max(44_000).default(20_000),
    /**
     * Silence from the sync service (no answer head, or no body bytes) that ends a proxied shape
     * request with 503 so the client retries: a connection that died without closing.
     */
    SHAPE_PROXY_IDLE_TIMEOUT_MS: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(1_000, 'must be at least 1000 ms')
      .max(600_000, 'must be at most 600000 ms (10 minutes)')
      .default(60_000),
    APP_SECRET: z.preprocess(
      emptyToUndefined,
      z.string().min(32, 'must be at least 32 characters (try `openssl rand -hex 32`)').optional(),
    ),
    /**
     * The URL people open the app at when it is not on this machine (behind a proxy, in a
     * container): its host is accepted in the Host header and its origin by the same-origin check.
     */
    PUBLIC_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
          message: 'must be an http(s) URL such as https://coach.example.com',
        })
        .transform((value) => new URL(value).origin)
        .optional(),
    ),
    /** More Host header values the app answers to (e.g. the name a reverse proxy forwards to). */
    ALLOWED_HOSTS: commaList(hostName),
    /** Proxies whose X-Forwarded-For is believed when rate-limiting sign-ins; none by default. */
    TRUSTED_PROXIES: commaList(ipAddress),
    /** Largest request body any route or server function accepts, in bytes (413 above it). */
    MAX_REQUEST_BODY_BYTES: z.coerce
      .number({ message: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .min(1024, 'must be at least 1024 bytes')
      .max(1024 * 1024 * 1024, 'must be at most 1 GiB')
      .default(1024 * 1024),
    /** Largest session log `POST /api/uploads` accepts, in bytes (its own limit, enforced while streaming). */
    UPLOAD_MAX_BYTES: z.coerce
      .number({ message: 'must be a number of bytes' })
      .int('must be a whole number of bytes')
      .min(1024, 'must be at least 1024 bytes')
      .max(16 * 1024 * 1024 * 1024, 'must be at most 16 GiB')
      .default(512 * 1024 * 1024),
    /** Folders searched (recursively) for agent logs, which are ingested and tailed while they grow. */
    SESSION_DIRS: sessionDirs,
    /**
     * E-mail of the user whose account owns the sessions discovery finds. Unset: the local owner
     * (AUTH_MODE=local), or the first operator, else the first user (AUTH_MODE=password).
     */
    DISCOVERY_ACCOUNT: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .toLowerCase()
        .email('must be the e-mail address of a user, such as you@example.com')
        .max(254)
        .optional(),
    ),
    /** How often discovery looks for new or changed files in SESSION_DIRS (growing files are polled faster). */
    SESSION_SCAN_INTERVAL_MS: z.coerce.number().int().min(500).max(3_600_000).default(5_000),
    /**
     * Folders whose repositories a session may be bound to (its instruction files are read from
     * there). Empty: any folder in AUTH_MODE=local (the owner's own machine), none in password mode.
     */
    RULES_REPO_ROOTS: folderList,
    AUTH_MODE: z.enum(['local', 'password'], { message: "must be 'local' or 'password'" }).default('local'),
    /**
     * AUTH_MODE=password: may anyone who reaches the app create an account? Off by default; the
     * operator creates accounts with `pnpm user:create`.
     */
    ALLOW_SIGNUP: booleanFlag,
    /** AUTH_MODE=local signs every visitor in as the owner, so it refuses non-loopback HOSTs unless this is set. */
    ALLOW_REMOTE_LOCAL_AUTH: booleanFlag,
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /**
     * Who answers in the coach: `offline` (no network; answers from the session and its rules) or
     * `openai-compatible` (LM Studio, Ollama, vLLM, OpenAI… at OPENAI_COMPATIBLE_BASE_URL).
     */
    COACH_PROVIDER: z
      .enum(['offline', 'openai-compatible'], { message: "must be 'offline' or 'openai-compatible'" })
      .default('offline'),
    /** The provider's API root, the part before `/chat/completions` and `/models`. */
    OPENAI_COMPATIBLE_BASE_URL: z.preprocess(emptyToUndefined, httpUrl.optional()),
    /** Sent as a bearer token to the provider only; never logged, never sent to a browser. */
    OPENAI_COMPATIBLE_API_KEY: z.preprocess(emptyToUndefined, z.string().trim().min(1).optional()),
    /** The model the coach uses unless the user picks another; unset: the first one the provider lists. */
    COACH_MODEL: z.preprocess(emptyToUndefined, z.string().trim().min(1).max(200).optional()),
    /** Tokens of session context (metadata, added events, misalignments) sent with each prompt. */
    COACH_CONTEXT_TOKENS: z.coerce.number().int().min(500).max(1_000_000).default(6_000),
    /** How long the provider may stay silent (before its first token or between two) before the reply fails. */
    COACH_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    /** Pause between the offline coach's streamed chunks (0: all at once). */
    COACH_OFFLINE_CHUNK_DELAY_MS: z.coerce.number().int().min(0).max(5_000).default(15),
  })
  .superRefine((config, ctx) => {
    if (config.COACH_PROVIDER === 'openai-compatible' && !config.OPENAI_COMPATIBLE_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_COMPATIBLE_BASE_URL'],
        message:
          'is required with COACH_PROVIDER=openai-compatible: the API root of your provider, e.g. http://127.0.0.1:1234/v1 (LM Studio) or http://127.0.0.1:11434/v1 (Ollama)',
      })
    }
    if (config.SHAPE_PROXY_IDLE_TIMEOUT_MS <= config.SHAPE_SERVER_LONG_POLL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SHAPE_PROXY_IDLE_TIMEOUT_MS'],
        message: `must be longer than SHAPE_SERVER_LONG_POLL_MS (${config.SHAPE_SERVER_LONG_POLL_MS} ms), or every held request would be cut as dead`,
      })
    }
    if (config.AUTH_MODE === 'local' && !isLoopbackHost(config.HOST) && !config.ALLOW_REMOTE_LOCAL_AUTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message:
          `is ${config.HOST}, but AUTH_MODE=local signs in every visitor as the owner. ` +
          'Use HOST=127.0.0.1, set AUTH_MODE=password, or set ALLOW_REMOTE_LOCAL_AUTH=true if the network is trusted',
      })
    }
  })

export type AppConfig = z.infer<typeof configSchema>

export function isLoopbackHost(host: string) {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable and its default.`,
    )
    this.name = 'ConfigError'
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const result = configSchema.safeParse(env)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)'
    const value = env[name]
    const shown = value === undefined ? '' : ` (got "${/SECRET|PASSWORD|API_KEY/.test(name) ? '***' : value}")`
    return `${name}${shown}: ${issue.message}`
  })
  throw new ConfigError(problems)
}

/**
 * Fills `env` from `.env` in the working directory — or from the file `ENV_FILE` names;
 * `ENV_FILE=none` reads no file — without overriding anything already set: the real environment
 * always wins over the file. Returns the path it read. Called once per process by getConfig(), so
 * every program (the stack, the built server, the scripts) sees the same file.
 */
export function applyEnvFile(env: Record<string, string | undefined> = process.env, cwd = process.cwd()) {
  const setting = env.ENV_FILE?.trim()
  if (setting === 'none') return undefined
  const path = resolve(cwd, setting || '.env')
  if (!existsSync(path)) {
    if (setting) throw new ConfigError([`ENV_FILE (got "${setting}"): there is no file ${path}`])
    return undefined
  }
  let values: Record<string, string | undefined>
  try {
    values = parseEnv(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ConfigError([`${path} could not be read: ${error instanceof Error ? error.message : String(error)}`])
  }
  for (const [name, value] of Object.entries(values)) {
    if (env[name] === undefined) env[name] = value
  }
  return path
}

let cached: AppConfig | undefined

/** Configuration of this process (environment, then `.env`), parsed once. */
export function getConfig(): AppConfig {
  if (!cached) {
    applyEnvFile()
    cached = loadConfig()
  }
  return cached
}

/**
 * The built server (Nitro) listens on every interface when HOST is unset; pin it to the validated
 * value so the default really is 127.0.0.1.
 */
export function pinListenAddress(config: AppConfig, env: Record<string, string | undefined> = process.env) {
  env.HOST = config.HOST
  env.PORT = String(config.PORT)
  delete env.NITRO_HOST
  delete env.NITRO_PORT
}

/**
 * SESSION_DIRS alone, with discovery's default and semantics (for `pnpm agent-push`, which runs on
 * machines without the rest of the server's configuration). Reads `.env` like every program.
 */
export function sessionDirsFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  applyEnvFile(env)
  return sessionDirs.parse(env.SESSION_DIRS)
}

/** For CLIs: parse or print the problems and exit with status 2. */
export function getConfigOrExit(): AppConfig {
  try {
    return getConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }
}
