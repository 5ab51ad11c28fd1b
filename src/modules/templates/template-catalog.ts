import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { LETTER_CONTEXT_FIELDS } from './letter-context.js'
import {
  type ContextReference,
  checkReferences,
  collectLoadFailure,
  isSizeOnly,
  parseLiquid,
  readFrontMatter,
  TemplateLoadError,
  textEngine,
  throwLoadFailures,
} from './liquid.js'
import { type LetterTemplate, TEMPLATE_KINDS, type TemplateKind, type TemplateSummary } from './template.types.js'

export const LETTER_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/letters/', import.meta.url))

export const TEMPLATE_SLUG = /^[a-z0-9-]+$/
const VARIABLE_NAME = /^[a-z][a-z0-9_]*$/

export interface TemplateCatalog {
  /** Request templates first, then follow-ups, then appeals; by slug within a kind. */
  list(): LetterTemplate[]
  get(slug: string): LetterTemplate | undefined
}

const frontMatterSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(2_000),
  kind: z.enum(TEMPLATE_KINDS),
  subject: z.string().trim().min(1).max(1_000),
  variables: z
    .array(
      z
        .strictObject({
          name: z.string().regex(VARIABLE_NAME, 'must be snake_case (a-z, 0-9, _), starting with a letter'),
          description: z.string().trim().min(1),
          required: z.boolean(),
          default: z.string().optional(),
        })
        .refine((variable) => !(variable.required && variable.default !== undefined), {
          message: 'a required variable cannot have a default',
        }),
    )
    .default([])
    .refine((variables) => new Set(variables.map((v) => v.name)).size === variables.length, {
      message: 'variable names must be unique',
    }),
})

/** The fields a template may read from the context, for the checks below. */
function fieldsOf(root: string, kind: TemplateKind, variableNames: ReadonlySet<string>): ReadonlySet<string> | null {
  switch (root) {
    case 'requester':
    case 'agency':
    case 'jurisdiction':
      return new Set(Object.keys(LETTER_CONTEXT_FIELDS[root]))
    case 'request':
      // New requests render with `request: null`; only follow-ups and appeals have one.
      return kind === 'request' ? null : new Set(Object.keys(LETTER_CONTEXT_FIELDS.request))
    case 'variables':
      return variableNames
    default:
      return null
  }
}

/**
 * What is wrong with one path a letter template reads (null when it may): checked against the
 * context's shape and the declared variables. Dynamic lookups (`variables[x]`) are refused because
 * they cannot be checked.
 */
function letterReferenceProblem(
  { root, field, rest }: ContextReference,
  kind: TemplateKind,
  variableNames: ReadonlySet<string>,
): string | null {
  if (root === 'today') return field === undefined || isSizeOnly([field, ...rest]) ? null : 'today is a string'
  const fields = typeof root === 'string' ? fieldsOf(root, kind, variableNames) : null
  if (fields === null) {
    return root === 'request'
      ? 'request templates have no request (it is null for new requests)'
      : 'unknown variable; available: requester, agency, jurisdiction, today, variables, request'
  }
  if (typeof field !== 'string') return `name a field of ${String(root)} (no whole objects, no dynamic lookups)`
  if (!fields.has(field))
    return root === 'variables' ? `variable "${field}" is not declared in the front matter` : `${root} has no field "${field}"`
  return isSizeOnly(rest) ? null : `${root}.${field} is a plain value`
}

/**
 * Parses one template file's text: YAML front matter between `---` lines, then the Liquid body.
 * Throws TemplateLoadError naming `file` and every problem found.
 */
export function parseLetterTemplate(text: string, slug: string, file: string): LetterTemplate {
  if (!TEMPLATE_SLUG.test(slug)) {
    throw new TemplateLoadError(file, [`slug "${slug}" must match ${TEMPLATE_SLUG.source}`])
  }
  const { meta, body } = readFrontMatter(file, text, frontMatterSchema, 'title, description, kind, subject, variables')

  if (body.trim() === '') throw new TemplateLoadError(file, ['body is empty'])
  const problems: string[] = []
  const subjectTemplate = parseLiquid(textEngine, meta.subject, 'subject', problems)
  const bodyTemplate = parseLiquid(textEngine, body, 'body', problems)
  if (!subjectTemplate || !bodyTemplate) throw new TemplateLoadError(file, problems)

  const variableNames = new Set(meta.variables.map((variable) => variable.name))
  const problemWith = (reference: ContextReference) => letterReferenceProblem(reference, meta.kind, variableNames)
  problems.push(...checkReferences(textEngine, subjectTemplate, problemWith).map((p) => `subject: ${p}`))
  problems.push(...checkReferences(textEngine, bodyTemplate, problemWith).map((p) => `body: ${p}`))
  if (problems.length > 0) throw new TemplateLoadError(file, problems)

  return {
    slug,
    title: meta.title,
    description: meta.description,
    kind: meta.kind,
    variables: meta.variables.map((variable) => ({
      name: variable.name,
      description: variable.description,
      required: variable.required,
      default: variable.default ?? null,
    })),
    source: file,
    subjectTemplate,
    bodyTemplate,
  }
}

const KIND_ORDER: Record<TemplateKind, number> = { request: 0, follow_up: 1, appeal: 2 }

/** A catalog over already parsed templates; slugs must be unique. */
export function createTemplateCatalog(templates: readonly LetterTemplate[]): TemplateCatalog {
  const bySlug = new Map<string, LetterTemplate>()
  for (const template of templates) {
    if (bySlug.has(template.slug)) throw new TemplateLoadError(template.source, [`duplicate slug "${template.slug}"`])
    bySlug.set(template.slug, template)
  }
  const ordered = [...bySlug.values()].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0),
  )
  return {
    list: () => [...ordered],
    get: (slug) => bySlug.get(slug),
  }
}

/**
 * Reads and parses every `*.liquid` file in `dir` once, at boot. Throws if any file is invalid
 * (the error lists every bad file) or if there is none.
 */
export async function loadTemplateCatalog(dir: string | URL = LETTER_TEMPLATES_DIR): Promise<TemplateCatalog> {
  const directory = dir instanceof URL ? fileURLToPath(dir) : dir
  const files = (await readdir(directory)).filter((name) => name.endsWith('.liquid')).sort()
  if (files.length === 0) throw new Error(`No letter templates (*.liquid) found in ${directory}`)

  const templates: LetterTemplate[] = []
  const failures: TemplateLoadError[] = []
  for (const name of files) {
    const file = join(directory, name)
    const source = await readFile(file, 'utf8')
    const template = collectLoadFailure(failures, () => parseLetterTemplate(source, name.slice(0, -'.liquid'.length), file))
    if (template) templates.push(template)
  }
  throwLoadFailures('letter templates', failures)
  return createTemplateCatalog(templates)
}

/** The serialisable part of a template, for the API. */
export function toTemplateSummary(template: LetterTemplate): TemplateSummary {
  return {
    slug: template.slug,
    title: template.title,
    description: template.description,
    kind: template.kind,
    variables: template.variables.map((variable) => ({ ...variable })),
  }
}
