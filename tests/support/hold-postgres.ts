/**
 * Test helper process: starts a persistent embedded Postgres on the given data dir and port, prints
 * READY, and waits to be killed — the way a crashed `npm start` leaves its database behind.
 */
import { startEmbeddedPostgres } from '../../dev/embedded-postgres'

const [dataDir, port] = process.argv.slice(2)
await startEmbeddedPostgres({ dataDir, port: Number(port) })
console.log('READY')
setInterval(() => {}, 1 << 30)
