import { describe, expect, it } from 'vitest'
import { countByType, parseText, readFixture } from '~/domain/agent-logs/test-helpers'
import { CodexParser } from './parser'

const SYNTHETIC = 'codex/synthetic-acme-api.jsonl'
const DESKTOP = 'codex/rollout-2026-02-23T12-40-23-019c8a4c-ed82-79a1-aa28-7738fc5ab61a.jsonl'
const CLI = 'codex/rollout-2026-02-23T12-41-04-019c8a4d-8f45-7010-8b5d-7fad920aa6f9.jsonl'
const MCP = 'codex/rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl'

function parseFixture(path: string) {
  return parseText(new CodexParser(), readFixture(path))
}

describe('Codex rollouts (envelope format)', () => {
  it('reads the session row from session_meta, turn_context and the last token_count', () => {
    const { info } = parseFixture(SYNTHETIC)
    expect(info).toMatchObject({
      origin: 'codex',
      sourceKey: '019c38dc-6da6-70c2-b8bb-e2544936759c',
      title: 'Why is CI red on main?',
      repoName: 'acme/acme-api',
      remoteUrl: 'git@github.com:acme/acme-api.git',
      branch: 'feature/billing',
      commitSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      cwd: '/home/dev/projects/acme-api',
      model: 'gpt-5.1-codex',
      cliVersion: '0.104.0',
      startedAt: '2026-03-02T10:00:00.000Z',
      lastEventAt: '2026-03-02T10:07:32.283Z',
      inputTokens: 429164,
      cachedInputTokens: 143054,
      outputTokens: 10777,
      reasoningTokens: 2694,
    })
  })

  it('keeps the malformed line with its number and reason and parses the rest', () => {
    const { info, events } = parseFixture(SYNTHETIC)
    expect(info.errorLineCount).toBe(1)
    expect(info.malformedLines).toEqual([
      expect.objectContaining({ lineNumber: 19, reason: expect.stringMatching(/^invalid JSON/) }),
    ])
    expect(info.linesRead).toBe(217)
    // 80 response items + 12 task_started + 12 task_complete; the echoes and token counts add nothing.
    expect(info.eventCount).toBe(104)
    expect(events).toHaveLength(104)
    expect(countByType(events)).toEqual({
      Message: 24,
      Reasoning: 23,
      LocalShellCall: 23,
      FileChange: 6,
      WebSearchCall: 4,
      Other: 24,
    })
  })

  it('turns exec_command calls and their {output, metadata} outputs into one shell event', () => {
    const { events } = parseFixture(SYNTHETIC)
    const first = events.find((event) => event.type === 'LocalShellCall')
    expect(first).toMatchObject({
      eventKey: 'call_01feef1eaef0a5561982669b',
      name: 'exec_command',
      command: 'rg -n "paginate" src',
      exitCode: 0,
      durationMs: 830,
      at: '2026-03-02T10:00:18.676Z',
      summary: '$ rg -n "paginate" src',
    })
    expect(first?.payload).toMatchObject({
      cwd: '/home/dev/projects/acme-api',
      stdout: 'src/routes/invoices.ts:42: // TODO paginate',
    })
    const commands = events.filter((event) => event.type === 'LocalShellCall').map((event) => event.command)
    expect(commands).toContain('git push --force origin feature/billing')
    expect(commands).toContain('git commit -m "wip" --no-verify')
  })

  it('keeps the web search query and the apply_patch paths', () => {
    const { events } = parseFixture(SYNTHETIC)
    expect(events.find((event) => event.type === 'WebSearchCall')).toMatchObject({
      summary: 'Web search: vitest rounding cents toBeCloseTo',
      payload: expect.objectContaining({ query: 'vitest rounding cents toBeCloseTo' }),
    })
    const patch = events.find((event) => event.type === 'FileChange')
    expect(patch).toMatchObject({
      eventKey: 'call_f38a09281eeeaa84f47564b4',
      name: 'apply_patch',
      path: 'src/lib/retry.ts',
      exitCode: 0,
    })
    expect(patch?.payload.output).toBe('Success. Updated the following files:\nM src/lib/retry.ts\n')
  })

  it('numbers events 0..n-1 in line order and drops event_msg echoes', () => {
    const { events } = parseFixture(SYNTHETIC)
    expect(events.map((event) => event.ordinal)).toEqual(events.map((_, index) => index))
    const lines = events.map((event) => event.payload.line as number)
    expect(lines).toEqual([...lines].sort((a, b) => a - b))
    // Each user prompt appears once, from its response item, not again from the user_message echo.
    expect(events.filter((event) => event.type === 'Message' && event.role === 'user')).toHaveLength(12)
    expect(events.filter((event) => event.type === 'Other').map((event) => event.name)).toEqual(
      Array.from({ length: 12 }, () => ['task_started', 'task_complete']).flat(),
    )
  })

  it('pairs every call of the Codex Desktop rollout with its output', () => {
    const { events, info } = parseFixture(DESKTOP)
    expect(countByType(events)).toEqual({
      Message: 63,
      Reasoning: 69,
      LocalShellCall: 71,
      FunctionCall: 11,
      FileChange: 22,
      WebSearchCall: 1,
      Other: 10,
    })
    expect(events.filter((event) => event.payload.unpaired)).toEqual([])
    expect(events.filter((event) => event.name === 'write_stdin')).toHaveLength(9)
    expect(info).toMatchObject({
      sourceKey: '019c8a4c-ed82-79a1-aa28-7738fc5ab61a',
      title: '[REDACTED_MESSAGE len=516 sha=05857781]',
      branch: 'main',
      commitSha: '1cdfa7b17410e00cddbb7a4347336af2c6f80ee0',
      remoteUrl: 'redacted://url/5d14a88c6f',
      repoName: '5d14a88c6f',
      cliVersion: '0.104.0-alpha.1',
      model: 'gpt-5.3-codex',
      inputTokens: 7204025,
      cachedInputTokens: 6836352,
      outputTokens: 36075,
      reasoningTokens: 17896,
      errorLineCount: 0,
    })
    // Redacted outputs carry no metadata, so the duration comes from the two lines' timestamps.
    const firstShell = events.find((event) => event.type === 'LocalShellCall')
    expect(firstShell).toMatchObject({ eventKey: 'call_zC8Bb98Ju4Ft4evnpeMpIu85', durationMs: 220 })
  })

  it('reads the CLI and MCP rollouts', () => {
    const cli = parseFixture(CLI)
    expect(countByType(cli.events)).toMatchObject({ LocalShellCall: 116, FunctionCall: 2, Message: 24, Reasoning: 26 })
    expect(cli.info).toMatchObject({ sourceKey: '019c8a4d-8f45-7010-8b5d-7fad920aa6f9', outputTokens: 14600 })
    const mcp = parseFixture(MCP)
    expect(mcp.events.filter((event) => event.type === 'FunctionCall').map((event) => event.name)).toEqual([
      'mcp__cloud-associates__search_workflows',
      '[REDACTED_NAME len=43 sha=c186413b]',
      'mcp__cloud-associates__execute_workflow',
      'mcp__cloud-associates__execute_workflow',
      'mcp__cloud-associates__execute_workflow',
    ])
    expect(mcp.info).toMatchObject({ inputTokens: 298373, reasoningTokens: 483, eventCount: mcp.events.length })
  })
})

describe('Codex older and newer shapes', () => {
  const lines = (...entries: unknown[]) => entries.map((entry) => JSON.stringify(entry)).join('\n')

  it('reads the bare format: meta first, bare items, state lines skipped', () => {
    const text = lines(
      {
        id: 'c0ffee00-0000-4000-8000-000000000001',
        timestamp: '2025-05-01T09:00:00.000Z',
        instructions: null,
        git: { commit_hash: 'abc123', branch: 'main', repository_url: 'https://github.com/acme/legacy.git' },
      },
      { record_type: 'state' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list the files' }] },
      {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({ command: ['bash', '-lc', 'ls -la'], workdir: '/srv/legacy' }),
        call_id: 'call_1',
      },
      { record_type: 'state' },
      {
        type: 'function_call_output',
        call_id: 'call_1',
        output: JSON.stringify({ output: 'README.md\n', metadata: { exit_code: 0, duration_seconds: 0.25 } }),
      },
    )
    const { events, info } = parseText(new CodexParser(), text)
    expect(info).toMatchObject({
      sourceKey: 'c0ffee00-0000-4000-8000-000000000001',
      repoName: 'acme/legacy',
      title: 'list the files',
      errorLineCount: 0,
    })
    expect(events.map((event) => event.type)).toEqual(['Message', 'LocalShellCall'])
    expect(events[1]).toMatchObject({ command: 'ls -la', exitCode: 0, durationMs: 250 })
    expect(events[1].payload).toMatchObject({ cwd: '/srv/legacy', stdout: 'README.md\n' })
  })

  it('reads local_shell_call actions and text outputs with a "Process exited" header', () => {
    const text = lines(
      {
        timestamp: '2026-01-01T10:00:00.000Z',
        type: 'response_item',
        payload: {
          type: 'local_shell_call',
          call_id: 'call_ls',
          status: 'completed',
          action: { type: 'exec', command: ['git', 'status', '--short'], working_directory: '/repo' },
        },
      },
      {
        timestamp: '2026-01-01T10:00:01.000Z',
        type: 'response_item',
        payload: {
          type: 'function_call_output',
          call_id: 'call_ls',
          output:
            'Chunk ID: 9\nWall time: 1.5000 seconds\nProcess exited with code 2\nOutput:\nfatal: not a git repository',
        },
      },
    )
    const { events } = parseText(new CodexParser(), text)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      type: 'LocalShellCall',
      command: 'git status --short',
      exitCode: 2,
      durationMs: 1500,
    })
    expect(events[0].payload).toMatchObject({ cwd: '/repo', stdout: 'fatal: not a git repository' })
    expect(events[0].summary).toBe('$ git status --short (exit 2)')
  })

  it('treats apply_patch run through the shell tool as a file change', () => {
    const patch = '*** Begin Patch\n*** Update File: src/app.ts\n@@\n-a\n+b\n*** End Patch'
    const heredoc = `apply_patch <<'EOF'\n${patch}\nEOF`
    const text = lines(
      {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({ command: ['apply_patch', patch] }),
        call_id: 'p1',
      },
      {
        type: 'function_call_output',
        call_id: 'p1',
        output: JSON.stringify({ output: 'Done!', metadata: { exit_code: 0, duration_seconds: 0 } }),
      },
      {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({ command: ['bash', '-lc', heredoc], workdir: '/w' }),
        call_id: 'p2',
      },
    )
    const { events } = parseText(new CodexParser(), text)
    expect(events.map((event) => [event.type, event.path, event.exitCode])).toEqual([
      ['FileChange', 'src/app.ts', 0],
      ['FileChange', 'src/app.ts', null],
    ])
    expect(events[1].payload).toMatchObject({ cwd: '/w', paths: ['src/app.ts'], unpaired: true })
  })

  it('keeps compacted lines and unknown entries as Other events', () => {
    const text = lines(
      { timestamp: '2026-01-01T10:00:00Z', type: 'compacted', payload: { message: 'Summary of the work so far' } },
      { timestamp: '2026-01-01T10:00:01Z', type: 'brand_new_kind', payload: { x: 1 } },
      { timestamp: '2026-01-01T10:00:02Z', type: 'response_item', payload: { type: 'ghost_snapshot', commit: 'abc' } },
      {
        timestamp: '2026-01-01T10:00:03Z',
        type: 'event_msg',
        payload: { type: 'turn_aborted', reason: 'interrupted' },
      },
    )
    const { events, info } = parseText(new CodexParser(), text)
    expect(events.map((event) => [event.type, event.name])).toEqual([
      ['Other', 'compacted'],
      ['Other', 'brand_new_kind'],
      ['Other', 'ghost_snapshot'],
      ['Other', 'turn_aborted'],
    ])
    expect(events[0].summary).toBe('Context compacted: Summary of the work so far')
    expect(events[3].payload).toMatchObject({ kind: 'turn_aborted', data: { reason: 'interrupted' } })
    expect(info.errorLineCount).toBe(0)
  })

  it('counts a known entry with wrong fields as malformed, with the field named', () => {
    const text = lines({
      timestamp: '2026-01-01T10:00:00Z',
      type: 'response_item',
      payload: { type: 'function_call', name: 'x' },
    })
    const { events, info } = parseText(new CodexParser(), text)
    expect(events).toEqual([])
    expect(info.malformedLines[0]).toMatchObject({
      lineNumber: 1,
      reason: expect.stringContaining('`function_call` entry does not match its schema: call_id:'),
    })
  })
})
