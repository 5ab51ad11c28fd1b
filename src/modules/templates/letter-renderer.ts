import type { Template } from 'liquidjs'
import { renderLiquid, textEngine } from './liquid.js'
import type { LetterContext, LetterTemplate, RenderedLetter } from './template.types.js'

/** A template could not be rendered against a context (a bug in the template or its caller). */
export class LetterRenderError extends Error {
  override readonly name = 'LetterRenderError'
  readonly code = 'LETTER_RENDER_FAILED'
  constructor(
    readonly slug: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`Letter template "${slug}": ${message}`, options)
  }
}

/**
 * Applies the plain-text conventions the PDF renderer and mailer rely on: LF line endings, no
 * trailing whitespace, paragraphs separated by exactly one blank line, no leading or trailing
 * blank lines.
 */
export function normalizeLetterText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00A0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function renderPart(template: LetterTemplate, part: 'subject' | 'body', parsed: Template[], context: LetterContext): string {
  return renderLiquid(textEngine, parsed, context, (reason, cause) => new LetterRenderError(template.slug, `${part}: ${reason}`, { cause }))
}

/**
 * Renders a letter. Pure: the same template and context give the same text. The subject is one
 * line; the body follows normalizeLetterText.
 */
export function renderLetter(template: LetterTemplate, context: LetterContext): RenderedLetter {
  if (template.kind !== 'request' && context.request === null) {
    throw new LetterRenderError(template.slug, `a ${template.kind} letter needs the request it is about (context.request is null)`)
  }
  const subject = renderPart(template, 'subject', template.subjectTemplate, context).replace(/\s+/g, ' ').trim()
  const body = normalizeLetterText(renderPart(template, 'body', template.bodyTemplate, context))
  return { subject, body }
}
