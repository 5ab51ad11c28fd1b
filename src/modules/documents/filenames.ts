import { storableText } from './page-text.js'

const MAX_FILENAME_LENGTH = 255

/**
 * A file's name as we store it, whoever named it (an upload's client, an email's sender): no path,
 * no control characters or lone surrogates, at most 255 characters. Pure.
 */
export function cleanFilename(name: string | undefined): string {
  const base = storableText(name ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
  return (base || 'document').slice(0, MAX_FILENAME_LENGTH)
}
