import { Liquid, type Template } from 'liquidjs'

/**
 * The one LiquidJS engine that parses and renders every letter. Templates parsed here can only be
 * rendered here (parsed templates keep a reference to their engine), so the catalog and the
 * renderer share it.
 *
 * Safety: a letter template may read only the context it is given.
 * - strictVariables / strictFilters: a typo is an error, never a silently empty phrase in a legal letter.
 * - ownPropertyOnly: no `constructor`, `__proto__` or other inherited properties.
 * - no file access: `templates: {}` replaces the file system for lookups, and the file-based tags
 *   (include, render, layout) are removed so using them fails at parse time, i.e. at boot.
 * - outputEscape is left unset: letters are plain text, not HTML.
 * - limits bound parse size, render time and allocations so a bad template cannot hang a request.
 * Values in the context are data: Liquid never parses its output again, so a requester's
 * `{{ 7*7 }}` comes out literally.
 */
export const LETTER_LIMITS = {
  /** Characters per parse() call; real letters are a few thousand. */
  parseLimit: 200_000,
  /** Milliseconds per render() call. */
  renderLimit: 1_000,
  /** LiquidJS allocation units (roughly characters and array items) per render() call. */
  memoryLimit: 10_000_000,
} as const

const FILE_TAGS = ['include', 'render', 'layout', 'block'] as const

function singleLine(value: unknown): string {
  return String(value ?? '')
    .replace(/\s+/g, ' ')
    .trim()
}

function createLetterEngine(): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    templates: {},
    relativeReference: false,
    dynamicPartials: false,
    jsTruthy: false,
    cache: false,
    ...LETTER_LIMITS,
  })
  for (const tag of FILE_TAGS) delete engine.tags[tag]
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
  return engine
}

export const letterEngine: Liquid = createLetterEngine()

/** Parses Liquid source with the letter engine; throws the LiquidJS ParseError as is. */
export function parseLetterLiquid(source: string): Template[] {
  return letterEngine.parse(source)
}
