// A .docx or .xlsx is a ZIP. The libraries that read them (mammoth and exceljs, through JSZip and
// unzipper) inflate a part whole, trusting nothing but the deflate stream, so a part a few kilobytes
// long can inflate to gigabytes (a zip bomb). Before they see the file, its central directory is
// read with yauzl: the sizes the entries declare are added up and refused over the limit, then every
// entry is inflated and counted, and one that inflates to more than it declared is refused too (yauzl
// stops it at the declared size), so the libraries inflate no more than was counted here.
import yauzl from 'yauzl'

export class OfficeFileError extends Error {
  override name = 'OfficeFileError'
}

export interface ZipLimits {
  /** All entries together, inflated. */
  maxUnzippedBytes: number
}

// Far more parts than any Word or Excel file has (one per sheet, image, style…).
const MAX_ENTRIES = 10_000
// The XML a library parses into memory at once (mammoth builds a DOM of word/document.xml): the
// text of a document of many thousand pages, far below what its DOM may take.
const MAX_XML_PART_BYTES = 64 * 1024 * 1024

const megabytes = (bytes: number) => Math.round(bytes / (1024 * 1024))

/** Checks an Office Open XML file against the limits; throws OfficeFileError with the reason. */
export async function checkOfficeZip(bytes: Buffer, what: string, limits: ZipLimits): Promise<void> {
  let zip: yauzl.ZipFile
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false })
  } catch (error) {
    throw new OfficeFileError(`The ${what} cannot be read as a ZIP archive (${reason(error)}); it may be damaged or cut short.`)
  }
  try {
    if (zip.entryCount > MAX_ENTRIES)
      throw new OfficeFileError(`The ${what} holds ${zip.entryCount} parts; files of at most ${MAX_ENTRIES} parts are read.`)
    const entries: yauzl.Entry[] = []
    let declared = 0
    for await (const entry of zip.eachEntry()) {
      declared += entry.uncompressedSize
      if (/\.(xml|rels)$/i.test(entry.fileName) && entry.uncompressedSize > MAX_XML_PART_BYTES)
        throw new OfficeFileError(
          `The part ${entry.fileName} of the ${what} is ${megabytes(entry.uncompressedSize)} MB of XML once unpacked; parts of at most ${megabytes(MAX_XML_PART_BYTES)} MB are read.`,
        )
      if (declared > limits.maxUnzippedBytes)
        throw new OfficeFileError(
          `The ${what} unpacks to more than ${megabytes(limits.maxUnzippedBytes)} MB (a zip bomb, or far larger than a real one); it was not unpacked.`,
        )
      entries.push(entry)
    }
    for (const entry of entries) {
      if (entry.isEncrypted()) throw new OfficeFileError(`The ${what} is encrypted with a password; upload a copy without one.`)
      try {
        for await (const _chunk of await zip.openReadStreamPromise(entry)) {
          // Only counted: yauzl fails the stream past the entry's declared size.
        }
      } catch (error) {
        throw new OfficeFileError(
          `The part ${entry.fileName} of the ${what} cannot be unpacked (${reason(error)}); it may be damaged or forged.`,
        )
      }
    }
  } finally {
    zip.close()
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
