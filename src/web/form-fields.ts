import { z } from 'zod'

/** Every form posts its CSRF token; @fastify/csrf-protection checks it, the schema only bounds it. */
export const csrfField = { _csrf: z.string().max(200).optional() }

/** A form's empty input (an empty text box, a select's "any") is "not given". */
export const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional())

/** A template variable's form field: `var_<name>`, so it cannot collide with the form's own fields. */
export const VARIABLE_PREFIX = 'var_'

/** A letter form's fields: a few known ones and the template's variables, every value one string. */
export const letterFormFields = z.record(z.string().max(120), z.string().max(20_000))

/** A form's validation failures as the API's problem document names them (body.<field>). */
export function fieldErrors(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message }))
}

/** The template variables a letter form carries, without the empty ones. */
export function variablesOf(fields: Record<string, string>): Record<string, string> {
  const variables: Record<string, string> = {}
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith(VARIABLE_PREFIX) && value !== '') variables[name.slice(VARIABLE_PREFIX.length)] = value
  }
  return variables
}
