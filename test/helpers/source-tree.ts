import { fileURLToPath } from 'node:url'

// `npm test` runs the tests compiled into .test-build/ (scripts/build-tests.mjs); a single file can
// also run from the sources with tsx. These name both trees from wherever this file runs.
const runningTree = new URL('../../', import.meta.url)
const compiled = import.meta.url.endsWith('.js')

/** The checkout: migrations, data, seeders as committed. */
export const REPO_ROOT = compiled ? new URL('../', runningTree) : runningTree

/** How to start one of the service's entry points (`worker`, `inbound`) from the tree the tests run from. */
export function entryPoint(name: 'worker' | 'inbound'): { cwd: string; args: string[] } {
  return {
    cwd: fileURLToPath(runningTree),
    args: compiled ? [`src/${name}.js`] : ['--import', 'tsx', `src/${name}.ts`],
  }
}
