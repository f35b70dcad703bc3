/** How the import and export commands stop: one message on stderr and a documented exit code. */

export function exit(message: string, code: number): never {
  console.error(message)
  process.exit(code)
}

/** Password mode has no implicit owner to import into: the account must be named. */
export function requireNamedAccountInPasswordMode(command: string, usage: string): never {
  exit(
    `AUTH_MODE=password: name the account with --account <e-mail of one of its users, or the account id>. ` +
      "Without it the data would go to the local owner's account, which nobody signs in to in password mode. " +
      `Create the user first (\`pnpm user:create\`) if it does not exist yet, e.g.\n  pnpm ${command} --account you@example.com\n\n${usage}`,
    2,
  )
}
