import type { TemplateSummary } from './template.types.js'

/** Longest value accepted for one variable, in characters (Unicode code points). */
export const MAX_VARIABLE_LENGTH = 5_000

export interface VariableError {
  /** `variables.<name>`, as in the API's problem documents. */
  path: string
  message: string
}

export type VariableResolution = { ok: true; variables: Record<string, string> } | { ok: false; errors: VariableError[] }

// C0 controls other than tab and newline, and DEL: they corrupt PDFs and mail headers.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F]/

/**
 * Checks requester-supplied values against a template's declared variables and applies defaults.
 * Every problem is reported at once. Values are trimmed and their line endings normalised; they are
 * data, never template source. `null`/absent means "not supplied".
 */
export function resolveTemplateVariables(
  template: Pick<TemplateSummary, 'variables'>,
  supplied: Record<string, unknown>,
): VariableResolution {
  const errors: VariableError[] = []
  const declared = new Set(template.variables.map((variable) => variable.name))

  for (const name of Object.keys(supplied)) {
    if (!declared.has(name)) {
      const accepted = [...declared].join(', ') || 'none'
      errors.push({ path: `variables.${name}`, message: `Unknown variable; this template accepts: ${accepted}` })
    }
  }

  const variables: Record<string, string> = {}
  for (const variable of template.variables) {
    const path = `variables.${variable.name}`
    const raw = Object.hasOwn(supplied, variable.name) ? supplied[variable.name] : undefined
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      errors.push({ path, message: `Must be a string, got ${Array.isArray(raw) ? 'array' : typeof raw}` })
      continue
    }
    const value = (raw ?? '').replace(/\r\n?/g, '\n').trim()
    if (value.length > MAX_VARIABLE_LENGTH && [...value].length > MAX_VARIABLE_LENGTH) {
      errors.push({ path, message: `Must be at most ${MAX_VARIABLE_LENGTH} characters` })
      continue
    }
    if (CONTROL_CHARACTERS.test(value)) {
      errors.push({ path, message: 'Must not contain control characters' })
      continue
    }
    if (value === '') {
      if (variable.required) errors.push({ path, message: 'Required' })
      else variables[variable.name] = variable.default ?? ''
      continue
    }
    variables[variable.name] = value
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, variables }
}
