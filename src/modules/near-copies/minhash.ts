/**
 * MinHash signatures of page text, for finding near copies of a document (the same standard
 * agreement signed by another agency, with local changes).
 *
 * - A page's words are its runs of letters and digits, lower-cased (NFKC), so layout, punctuation
 *   and case do not count as changes.
 * - Its shingles are every run of SHINGLE_WORDS consecutive words: changing one word changes at
 *   most SHINGLE_WORDS shingles, so eight changed words on a page of 400 words leave a Jaccard
 *   similarity of about 0.94.
 * - The signature keeps, for each of SIGNATURE_SIZE hash functions, the smallest hash over the
 *   shingles. The share of positions where two signatures agree estimates the Jaccard similarity of
 *   the two pages' shingle sets (standard error below 0.045 with 128 positions).
 * - A document's signature is the MinHash of all its pages' shingles together: at each position,
 *   the smallest of its pages' values.
 * - Locality-sensitive hashing: a signature is cut into BANDS bands of ROWS_PER_BAND positions and
 *   each band is hashed to one key. Two signatures share at least one key with probability
 *   1 - (1 - s^8)^16: 0.999 at s = 0.9, 0.95 at s = 0.8, 0.40 at s = 0.65, 0.01 at s = 0.4, so a
 *   lookup by the keys of a document's signature finds its near copies and few of the documents
 *   that merely share some boilerplate pages with it.
 * - A page with fewer than SHINGLE_WORDS words has no signature.
 */

export const SHINGLE_WORDS = 3
export const SIGNATURE_SIZE = 128
export const BANDS = 16
export const ROWS_PER_BAND = SIGNATURE_SIZE / BANDS

/** A page's words as compared: runs of letters and digits, lower-cased. */
export function pageWords(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  )
}

const FNV_OFFSET = 0x811c9dc5
const SPACE = 0x20

/** 32-bit FNV-1a continued over a string's UTF-16 code units. */
function fnv1a(text: string, hash = FNV_OFFSET): number {
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** fnv1a of the words joined by spaces, without building the joined string. */
function fnv1aJoined(words: readonly string[], start: number, count: number): number {
  let hash = fnv1a(words[start]!)
  for (let index = start + 1; index < start + count; index++) hash = fnv1a(words[index]!, Math.imul(hash ^ SPACE, 0x01000193) >>> 0)
  return hash
}

/** A 32-bit mixer (the finaliser of MurmurHash3): every input bit moves every output bit. */
function mix(value: number): number {
  let hash = value >>> 0
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

// One seed per hash function, fixed for good: signatures stored in the database are compared with new ones.
const SEEDS = Uint32Array.from({ length: SIGNATURE_SIZE }, (_, index) => mix(0x9e3779b9 * (index + 1)))

/** The page's MinHash signature (SIGNATURE_SIZE unsigned 32-bit values), or null when it has too few words. */
export function pageSignature(text: string): Uint32Array | null {
  const words = pageWords(text)
  if (words.length < SHINGLE_WORDS) return null
  const shingles = new Set<number>()
  for (let start = 0; start + SHINGLE_WORDS <= words.length; start++) {
    shingles.add(fnv1aJoined(words, start, SHINGLE_WORDS))
  }
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff)
  for (const shingle of shingles) {
    for (let index = 0; index < SIGNATURE_SIZE; index++) {
      const hash = mix(shingle ^ SEEDS[index]!)
      if (hash < signature[index]!) signature[index] = hash
    }
  }
  return signature
}

/** The estimated Jaccard similarity of the pages two signatures were made from. */
export function signatureSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0
  for (let index = 0; index < SIGNATURE_SIZE; index++) if (a[index] === b[index]) same += 1
  return same / SIGNATURE_SIZE
}

/** A document's signature from its pages' (stored) signatures; null for a document without any. */
export function documentSignature(pages: readonly ArrayLike<number>[]): number[] | null {
  if (pages.length === 0) return null
  const smallest = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff)
  for (const page of pages) {
    for (let index = 0; index < SIGNATURE_SIZE; index++) {
      const value = page[index]! >>> 0
      if (value < smallest[index]!) smallest[index] = value
    }
  }
  return toStoredSignature(smallest)
}

/**
 * The LSH keys of a signature, one per band, as signed 32-bit integers (a PostgreSQL `integer`).
 * The band's number is hashed in, so equal values in different bands never share a key.
 */
export function bandKeys(signature: ArrayLike<number>): number[] {
  const keys: number[] = []
  for (let band = 0; band < BANDS; band++) {
    let hash = mix(band + 1)
    for (let row = 0; row < ROWS_PER_BAND; row++) hash = mix(hash ^ signature[band * ROWS_PER_BAND + row]!)
    keys.push(hash | 0)
  }
  return keys
}

/** A signature as stored (PostgreSQL `integer[]`): each value as a signed 32-bit integer. */
export function toStoredSignature(signature: Uint32Array): number[] {
  return Array.from(new Int32Array(signature.buffer, signature.byteOffset, signature.length))
}
