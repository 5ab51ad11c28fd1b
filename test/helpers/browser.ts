// Chromium from Debian's `chromium` package driven by playwright-core: no browser download.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'
import { type Browser, chromium, type Page } from 'playwright-core'

interface Teardown {
  teardown(fn: () => unknown): void
}

interface Assertions {
  same(found: unknown, wanted: unknown, message: string): unknown
  equal(found: unknown, wanted: unknown, message: string): unknown
}

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[]

/** The Chromium executable, or null when none is installed (`.ci/run` installs Debian's). */
export function chromiumPath(): string | null {
  return CANDIDATES.find((path) => existsSync(path)) ?? null
}

/** One browser for a whole test file, closed with it. */
export async function launchBrowser(t: Teardown, executablePath: string): Promise<Browser> {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] })
  t.teardown(() => browser.close())
  return browser
}

/** Starts the app on a loopback port; its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 })
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now; each violation as
 * "rule: target, target…". axe is evaluated through the DevTools protocol, which the page's CSP
 * (script-src 'self', nothing inline) does not govern, so the policy under test stays as served.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(await axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(options: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }
    ).axe
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`)
  })
  return violations
}

/** What API.md asks of every page: no WCAG 2.1 AA violation axe-core finds, one <main>, one <h1>. */
export async function expectAccessible(t: Assertions, page: Page, what: string): Promise<void> {
  t.same(await accessibilityViolations(page), [], `${what}: no WCAG 2.1 AA violation`)
  t.equal(await page.locator('main').count(), 1, `${what}: one <main>`)
  t.equal(await page.locator('h1').count(), 1, `${what}: one <h1>`)
}
