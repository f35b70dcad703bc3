import { spawn } from 'node:child_process'
import { expect, test } from '@playwright/test'

/** Runs the built server with the given environment until it exits or prints what we wait for. */
function runBuiltServer(env: Record<string, string>, until: RegExp, timeoutMs = 15_000) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['.output/server/index.mjs'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (until.test(output)) child.kill('SIGTERM')
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

test('the built server refuses local auth on a public HOST before listening', async () => {
  const { code, output } = await runBuiltServer({ HOST: '0.0.0.0', PORT: '3390' }, /Listening on/)
  expect(code).toBe(2)
  expect(output).toContain('AUTH_MODE=local signs in every visitor as the owner')
  expect(output).not.toContain('Listening on')
})

test('the built server names every invalid variable and exits', async () => {
  const { code, output } = await runBuiltServer({ PORT: 'http', AUTH_MODE: 'ldap' }, /Listening on/)
  expect(code).toBe(2)
  expect(output).toMatch(/PORT \(got "http"\)/)
  expect(output).toMatch(/AUTH_MODE \(got "ldap"\)/)
})

test('without HOST the built server listens on 127.0.0.1, not on every interface', async () => {
  const { output } = await runBuiltServer({ PORT: '3391' }, /Listening on/)
  expect(output).toMatch(/Listening on: http:\/\/127\.0\.0\.1:3391/)
})
