/** A document needed more memory or time than a reading child (pdf.js, tesseract) may take; retrying will not help. */
export class ReadingLimitError extends Error {
  override name = 'ReadingLimitError'
  constructor(
    readonly limit: 'memory' | 'time',
    message: string,
  ) {
    super(message)
  }
}
