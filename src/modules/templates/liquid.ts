import { fileURLToPath } from 'node:url'
import { Liquid, type Template } from 'liquidjs'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'

/**
 * The one Liquid configuration behind letters and emails (and every other text the service renders
 * from a template). Two engines share it and differ only in escaping: `textEngine` escapes nothing
 * (letters, email subjects and text parts); `htmlEngine` escapes every output and has no `raw` filter
 * to opt out, so a value can never become markup. Templates parsed by one engine render only with it
 * (parsed templates keep a reference to their engine).
 *
 * Safety: a template may read only the context it is given.
 * - strictVariables / strictFilters: a typo is an error, never a silently empty phrase in a legal letter.
 * - ownPropertyOnly: no `constructor`, `__proto__` or other inherited properties.
 * - no file access: `templates: {}` replaces the file system for lookups, and the file-based tags
 *   (include, render, layout) are removed so using them fails at parse time, i.e. at boot.
 * - limits bound parse size, render time and allocations so a bad template cannot hang a request.
 * Values in the context are data: Liquid never parses its output again, so a requester's
 * `{{ 7*7 }}` comes out literally.
 *
 * Web pages use a third engine, `createPageEngine`, with the same settings and escaping as
 * `htmlEngine`; it alone reads files, and only from the views directory: `{% layout "layout" %}`
 * with `{% block %}`, and `{% render "partials/…" %}` (names are literal: no dynamic partials).
 */
export const LIQUID_LIMITS = {
  /** Characters per parse() call; real letters are a few thousand. */
  parseLimit: 200_000,
  /** Milliseconds per render() call. */
  renderLimit: 1_000,
  /** LiquidJS allocation units (roughly characters and array items) per render() call. */
  memoryLimit: 10_000_000,
} as const

const FILE_TAGS = ['include', 'render', 'layout', 'block'] as const
/** Views may use a layout and render partials; `include` (which shares the caller's scope) stays off. */
const PAGE_TAGS_REMOVED = ['include'] as const

/** The web pages' views: `layout.liquid`, `partials/*.liquid`, one view per page. */
export const VIEWS_DIR = fileURLToPath(new URL('../../../views/', import.meta.url))

function singleLine(value: unknown): string {
  return String(value ?? '')
    .replace(/\s+/g, ' ')
    .trim()
}

function createEngine(escapeHtml: boolean, views?: string): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    ...(views ? { root: [views], extname: '.liquid', cache: true } : { templates: {}, cache: false }),
    relativeReference: false,
    dynamicPartials: false,
    jsTruthy: false,
    ...(escapeHtml ? { outputEscape: 'escape' as const } : {}),
    ...LIQUID_LIMITS,
  })
  for (const tag of views ? PAGE_TAGS_REMOVED : FILE_TAGS) delete engine.tags[tag]
  if (escapeHtml) delete engine.filters.raw
  // Filters for requester-supplied text. Each collapses the value to one line, so text inserted
  // into a sentence or a "- " list item cannot break the letter's block structure.
  engine.registerFilter('single_line', singleLine)
  // For a phrase inside a sentence ("I am {{ … | clause }}."): drops trailing punctuation.
  engine.registerFilter('clause', (value: unknown) => singleLine(value).replace(/[\s.,;:]+$/, ''))
  // For a whole sentence or list item: makes sure it ends with a full stop.
  engine.registerFilter('sentence', (value: unknown) => {
    const text = singleLine(value)
    return text === '' || /[.!?…]["'”’)\]]*$/.test(text) ? text : `${text}.`
  })
  // "1 day", "3 days".
  engine.registerFilter('days', (value: unknown) => {
    const count = Number(value)
    return `${count} ${count === 1 ? 'day' : 'days'}`
  })
  return engine
}

export const textEngine: Liquid = createEngine(false)
export const htmlEngine: Liquid = createEngine(true)

/** The web pages' engine: htmlEngine's settings, reading views (and only views) from `views`. */
export function createPageEngine(views: string = VIEWS_DIR): Liquid {
  return createEngine(true, views)
}

/** A template file that cannot be used; the message names the file and every problem found. */
export class TemplateLoadError extends Error {
  override readonly name = 'TemplateLoadError'
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`)
  }
}

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/

export function hasFrontMatter(source: string): boolean {
  return /^\uFEFF?---[ \t]*\r?\n/.test(source)
}

/**
 * Splits a template file into its YAML front matter, checked against `schema`, and the body after
 * it. Throws TemplateLoadError naming `file` and every problem found.
 */
export function readFrontMatter<T extends z.ZodType>(
  file: string,
  source: string,
  schema: T,
  fields: string,
): { meta: z.output<T>; body: string } {
  const match = FRONT_MATTER.exec(source)
  if (!match) throw new TemplateLoadError(file, [`expected YAML front matter (${fields}) between "---" lines at the top`])
  const [, yamlText = '', body = ''] = match
  let data: unknown
  try {
    data = parseYaml(yamlText)
  } catch (error) {
    throw new TemplateLoadError(file, [`front matter is not valid YAML: ${error instanceof Error ? error.message : String(error)}`])
  }
  const parsed = schema.safeParse(data ?? {})
  if (!parsed.success) {
    throw new TemplateLoadError(
      file,
      parsed.error.issues.map((issue) => {
        const path = issue.path.map(String).join('.')
        return `front matter${path ? ` ${path}` : ''}: ${issue.message}`
      }),
    )
  }
  return { meta: parsed.data, body }
}

/** Parses Liquid source; a parse error becomes a problem of `part` and the result null. */
export function parseLiquid(engine: Liquid, source: string, part: string, problems: string[]): Template[] | null {
  try {
    return engine.parse(source)
  } catch (error) {
    problems.push(`${part}: ${error instanceof Error ? error.message : String(error)}`)
    return null
  }
}

/** One path a template reads from its context, e.g. `request.dueOn.size` → ['request', 'dueOn', 'size']. */
export interface ContextReference {
  root: unknown
  field: unknown
  rest: unknown[]
  /** The path as written, for messages. */
  shown: string
}

/** `.size` is the one thing a template may read of a plain value. */
export function isSizeOnly(rest: readonly unknown[]): boolean {
  return rest.length === 0 || (rest.length === 1 && rest[0] === 'size')
}

/**
 * Checks every context path the templates read with `problemWith` (null when allowed), so a
 * misspelt field fails at boot rather than at the first render. Returns each problem once.
 */
export function checkReferences(
  engine: Liquid,
  templates: Template[],
  problemWith: (reference: ContextReference) => string | null,
): string[] {
  const problems = new Set<string>()
  for (const segments of engine.globalVariableSegmentsSync(templates)) {
    const [root, field, ...rest] = segments
    const shown = segments.map((segment) => (Array.isArray(segment) ? `[${segment.join('.')}]` : String(segment))).join('.')
    const problem = problemWith({ root, field, rest, shown })
    if (problem !== null) problems.add(`"${shown}": ${problem}`)
  }
  return [...problems]
}

/** Renders parsed templates; a failure is rethrown as `wrap(reason, cause)`. */
export function renderLiquid(
  engine: Liquid,
  templates: Template[],
  context: object,
  wrap: (reason: string, cause: unknown) => Error,
): string {
  try {
    return String(engine.renderSync(templates, context))
  } catch (error) {
    throw wrap(error instanceof Error ? error.message : String(error), error)
  }
}

/** Runs `parse`, adding a TemplateLoadError to `failures` (and returning null) instead of throwing it. */
export function collectLoadFailure<T>(failures: TemplateLoadError[], parse: () => T): T | null {
  try {
    return parse()
  } catch (error) {
    if (!(error instanceof TemplateLoadError)) throw error
    failures.push(error)
    return null
  }
}

/** Reports every template file at fault at once, at boot. */
export function throwLoadFailures(what: string, failures: readonly TemplateLoadError[]): void {
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1) throw new Error(`Invalid ${what}:\n${failures.map((failure) => `- ${failure.message}`).join('\n')}`)
}
