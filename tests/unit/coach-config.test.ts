import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../app.config'
import { describeProviderError, publicEndpoint } from '../../src/server/coach/providers'

describe('coach configuration', () => {
  it('defaults to the offline provider', () => {
    const config = loadConfig({})
    expect(config.COACH_PROVIDER).toBe('offline')
    expect(config.COACH_CONTEXT_TOKENS).toBe(6000)
  })

  it('openai-compatible needs a base URL, and a bad value never shows the API key', () => {
    expect(() => loadConfig({ COACH_PROVIDER: 'openai-compatible' })).toThrow(/OPENAI_COMPATIBLE_BASE_URL.*is required/)
    try {
      loadConfig({ COACH_PROVIDER: 'lmstudio', OPENAI_COMPATIBLE_API_KEY: '   ' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect(String(error)).toMatch(/COACH_PROVIDER \(got "lmstudio"\): must be 'offline' or 'openai-compatible'/)
      expect(String(error)).toContain('OPENAI_COMPATIBLE_API_KEY (got "***")')
    }
    const config = loadConfig({
      COACH_PROVIDER: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:1234/v1/',
    })
    expect(config.OPENAI_COMPATIBLE_BASE_URL).toBe('http://127.0.0.1:1234/v1')
  })

  it('never shows credentials written into the provider URL', () => {
    const config = loadConfig({
      COACH_PROVIDER: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: 'https://user:hunter2@llm.example.com/v1?key=abc',
    })
    expect(publicEndpoint(config)).toBe('https://llm.example.com/v1')
    const message = describeProviderError({ statusCode: 401, message: 'Unauthorized' }, config)
    expect(message).toBe(
      'The provider at https://llm.example.com/v1 refused the API key (HTTP 401). Check OPENAI_COMPATIBLE_API_KEY.',
    )
  })
})
