/** Decoded pixels, row by row: 1 channel (gray), 3 (RGB) or 4 (RGBA), 8 bits each. */
export interface RasterImage {
  width: number
  height: number
  channels: 1 | 3 | 4
  data: Uint8Array
}

/** Reads text out of images. The only implementation runs the `tesseract` command. */
export interface Ocr {
  /** Whether OCR can run here (the command and its language data are installed). Checked once. */
  available(): Promise<boolean>
  /**
   * The text of an image file (PNG, JPEG, TIFF, PNM), one string per image page (a TIFF may hold
   * several). Rejects with ReadingLimitError when it would take more memory than allowed or more
   * than `timeoutMs`.
   */
  recognizeFile(path: string, timeoutMs: number): Promise<string[]>
  recognizeImage(image: RasterImage, timeoutMs: number): Promise<string>
  /** The words of a one-page image file with their boxes, as tesseract's TSV (one row per word, level 5). */
  wordBoxes(path: string, timeoutMs: number): Promise<string>
}

export class OcrUnavailableError extends Error {
  override name = 'OcrUnavailableError'
}
