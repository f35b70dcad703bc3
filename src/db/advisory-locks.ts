/**
 * Every advisory-lock key of the app, in one place, so two features never pick the same number.
 * The 7_301_113_5xx block is this app's single-key locks; 7_302 is a namespace of the two-int form
 * (`pg_advisory_xact_lock(namespace, hashtext(key))`), one lock per limited sign-in key.
 * Per-row locks taken on a hashed name (`hashtextextended('session-key:…', 0)`,
 * `hashtextextended('upload:…', 0)`) use prefixes that name their owner and need no entry here.
 */
export const ADVISORY_LOCK_KEYS = {
  /** `migrateDatabase`: one instance applies migrations while the others wait. */
  migrations: 7_301_113_517,
  /** AUTH_MODE=local: concurrent first runs create one owner. */
  localOwner: 7_301_113_518,
  /** `pnpm import:legacy`: one import at a time. */
  legacyImport: 7_301_113_519,
  /** Exactly one app instance scans SESSION_DIRS and tails the logs it finds. */
  sessionDiscovery: 7_301_113_520,
} as const

/** Namespace (first int) of the per-key sign-in attempt locks. */
export const LOGIN_ATTEMPT_LOCK_NAMESPACE = 7_302
