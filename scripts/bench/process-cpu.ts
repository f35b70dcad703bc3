/**
 * CPU seconds of other processes, from /proc (Linux): what a server or Postgres spent on a
 * benchmark's work. Unlike wall-clock rates these hardly depend on what else the machine runs.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** CPU seconds (user + system) the process has used so far (clock ticks of 10 ms). */
export function cpuSeconds(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** CPU seconds of a Postgres cluster: the postmaster and every backend it forked (walsenders included). */
export function postgresCpuSeconds(dataDir: string) {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (Number(entry) === postmaster || parent === postmaster) total += cpuSeconds(Number(entry))
    } catch {
      // The backend ended while we looked.
    }
  }
  return total
}
