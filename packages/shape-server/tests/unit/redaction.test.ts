import { describe, expect, it } from 'vitest'
import { redactSecrets } from '../../src/redaction.ts'

describe('redactSecrets', () => {
  it.each([
    ['/v1/shape?table=todos&secret=s3cr3t-value&offset=-1', '/v1/shape?table=todos&secret=[redacted]&offset=-1'],
    ['/v1/shape?api_secret=s3cr3t-value', '/v1/shape?api_secret=[redacted]'],
    ['/v1/shape?SECRET=s3cr3t-value&Api_Secret=s3cr3t-value', '/v1/shape?SECRET=[redacted]&Api_Secret=[redacted]'],
    // Names are decoded before the secret check, so an encoded name must be caught too.
    ['/v1/shape?%73ecret=s3cr3t-value', '/v1/shape?secret=[redacted]'],
    ['/v1/shape?secret=s3cr3t-value&secret=other-value', '/v1/shape?secret=[redacted]&secret=[redacted]'],
  ])('hides the secret in %s', (target, expected) => {
    const redacted = redactSecrets(target)
    expect(redacted).toBe(expected)
    expect(redacted).not.toContain('s3cr3t')
  })

  it('leaves targets without a secret as they are', () => {
    expect(redactSecrets('/v1/shape?table=todos&where=id%20%3D%201')).toBe('/v1/shape?table=todos&where=id%20%3D%201')
    expect(redactSecrets(undefined)).toBe('(no URL)')
  })
})
