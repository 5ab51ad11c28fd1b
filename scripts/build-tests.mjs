// Compiles the sources and tests into .test-build/ for `npm test` (see tsconfig.test.json), from
// scratch so no test deleted from the sources runs from an old build. Code finds its data files
// relative to itself (templates/, data/, drizzle/, views/, public/, test/fixtures/), so those are
// linked into the build where the same relative paths reach them; test/output/ is linked so
// screenshots land where the README says.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const build = resolve(root, '.test-build')

rmSync(build, { recursive: true, force: true })
try {
  execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.test.json'], { cwd: root, stdio: 'inherit' })
} catch {
  process.exit(1)
}
mkdirSync(resolve(root, 'test/output'), { recursive: true })
for (const path of ['templates', 'data', 'drizzle', 'views', 'public', 'test/fixtures', 'test/output']) linkInto(path)

/** Links `path` into the build, or, where the build already has it (a fixture written in TypeScript), each entry it lacks. */
function linkInto(path) {
  const target = resolve(build, path)
  if (existsSync(target)) {
    for (const entry of readdirSync(resolve(root, path))) if (!existsSync(resolve(target, entry))) linkInto(`${path}/${entry}`)
    return
  }
  mkdirSync(resolve(target, '..'), { recursive: true })
  symlinkSync(relative(resolve(target, '..'), resolve(root, path)), target)
}
