// Runs after `npm install` (package.json "postinstall"): mends postgres.js 3.4.9 where a connection
// the server closed (pg_terminate_backend, a restart, a proxy) crashes or poisons the process.
//
// In src/connection.js, small writes wait for a setImmediate. closed() and terminate() cancel that
// timer but never reset it, and keep the buffered bytes; and a transaction whose connection died
// still writes its ROLLBACK to it. So either the immediate fires on `socket = null` and throws
// "TypeError: Cannot read properties of null (reading 'write')" from nextWrite, out of reach of any
// try/catch, or the stale timer stops that pool slot from ever flushing again (every later query on
// it hangs). Upstream: https://github.com/porsager/postgres/issues/1208 (also #1154, #1066; fix
// proposed in #1209). This applies that fix: teardown resets the timer and the buffer, and a write
// to a closed connection rejects its query with CONNECTION_CLOSED instead of throwing.
// Idempotent; refuses loudly when the driver no longer has the code it mends (drop this script then).
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const MARKER = '/* ring-records: nextWrite guard (porsager/postgres#1208) */'
const EDITS = [
  {
    from: 'function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    to:
      `function nextWrite(fn) {\n    ${MARKER}\n    if (!socket) {\n` +
      `      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n` +
      `      chunk = nextWriteTimer = null\n` +
      `      error(Errors.connection('CONNECTION_CLOSED', options))\n` +
      `      return true\n    }\n    const x = socket.write(chunk, fn)`,
  },
  // terminate() and closed() each cancel the timer; both must also forget it and the bytes it held.
  { from: 'clearImmediate(nextWriteTimer)\n    if (socket) {', to: 'clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {' },
  { from: 'clearImmediate(nextWriteTimer)\n    socket.removeListener', to: 'clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener' },
]

const root = fileURLToPath(new URL('../node_modules/postgres/', import.meta.url))
for (const build of ['src', 'cjs/src', 'cf/src']) {
  const file = join(root, build, 'connection.js')
  if (!existsSync(file)) continue
  let source = readFileSync(file, 'utf8')
  if (source.includes(MARKER)) continue
  for (const { from, to } of EDITS) {
    if (!source.includes(from)) {
      console.error(`patch-postgres-driver: ${file} no longer contains the code this script mends; check whether upstream fixed porsager/postgres#1208 and remove the script.`)
      process.exit(1)
    }
    source = source.replace(from, to)
  }
  writeFileSync(file, source)
}
