import { describe, expect, it } from 'vitest'
import { commandFamily } from './command-family'

describe('commandFamily', () => {
  it.each([
    ['git status', 'git'],
    ['gh pr view 12', 'git'],
    ['cd /repo && git diff --stat', 'git'],
    ['pnpm add lucide-react', 'package'],
    ['npm install', 'package'],
    ['npx create-next-app@latest todo-app --typescript', 'package'],
    ['pnpm test', 'test'],
    ['npm run test:unit -- --watch=false', 'test'],
    ['pnpm exec vitest run src/a.test.ts', 'test'],
    ['CI=1 npx playwright test e2e/a.spec.ts', 'test'],
    ['python -m pytest -q', 'test'],
    ['go test ./...', 'test'],
    ['cargo test', 'test'],
    ['timeout 120 pnpm exec jest', 'test'],
    ['npm run build', 'build'],
    ['cd /path/to/Demo/todo-app && npx tsc --noEmit --skipLibCheck', 'build'],
    ['make', 'build'],
    ['rm -rf node_modules', 'remove'],
    ['sudo rm /tmp/x', 'remove'],
    ['/bin/rm -f a', 'remove'],
    ['rg -n TODO src', 'search'],
    ['find . -name "*.ts" | head', 'search'],
    ['ls -la types/', 'read'],
    ['tail -20 /tmp/log', 'read'],
    ['export FOO=1; cat package.json', 'read'],
    ['echo hello', 'other'],
    ['./scripts/deploy.sh', 'other'],
    ['cd /repo', 'other'],
  ])('%s → %s', (command, family) => {
    expect(commandFamily(command)).toBe(family)
  })

  it('has no family without a command', () => {
    expect(commandFamily(null)).toBeNull()
    expect(commandFamily('   ')).toBeNull()
  })
})
