import t from 'tap'
import { seededRandom } from '../../../bench/lib/corpus.js'
import {
  BANDS,
  bandKeys,
  documentSignature,
  pageSignature,
  pageWords,
  signatureSimilarity,
  toStoredSignature,
} from '../../../src/modules/near-copies/minhash.js'
import { alignPages, isNearCopy, NEAR_COPY_SIMILARITY } from '../../../src/modules/near-copies/page-alignment.js'

const random = seededRandom(11)
const vocabulary = Array.from({ length: 3000 }, (_, index) => `word${index.toString(36)}`)
const text = (words: number) => Array.from({ length: words }, () => vocabulary[Math.floor(random() * vocabulary.length)]!).join(' ')
const change = (page: string, count: number) => {
  const words = page.split(' ')
  for (let n = 0; n < count; n++) words[Math.floor((words.length / count) * n)] = `changed${n}`
  return words.join(' ')
}
const signed = (pages: string[]) => pages.map((page, index) => ({ page: index + 1, signature: toStoredSignature(pageSignature(page)!) }))

t.test('words ignore case, punctuation and layout', async (t) => {
  t.same(pageWords('The  Department,\nshall NOT—disclose (ﬁles) 911.'), ['the', 'department', 'shall', 'not', 'disclose', 'files', '911'])
  t.equal(pageSignature('two words'), null)
  t.same(pageSignature('The Department shall'), pageSignature('the department, SHALL'))
})

t.test('the signature estimates the Jaccard similarity of the pages', async (t) => {
  const page = text(400)
  const same = pageSignature(page)!
  t.equal(signatureSimilarity(same, pageSignature(page)!), 1)
  t.ok(signatureSimilarity(same, pageSignature(change(page, 4))!) >= 0.9, 'four words changed of 400')
  t.ok(signatureSimilarity(same, pageSignature(text(400))!) < 0.1, 'an unrelated page')
  // The stored (signed) form compares the same way.
  t.equal(
    signatureSimilarity(toStoredSignature(same), toStoredSignature(pageSignature(change(page, 4))!)),
    signatureSimilarity(same, pageSignature(change(page, 4))!),
  )
})

t.test('near copies share an LSH key, unrelated pages do not', async (t) => {
  const page = text(300)
  const keys = new Set(bandKeys(toStoredSignature(pageSignature(page)!)))
  t.equal(keys.size, BANDS)
  t.ok(bandKeys(toStoredSignature(pageSignature(change(page, 3))!)).some((key) => keys.has(key)))
  t.notOk(bandKeys(toStoredSignature(pageSignature(text(300))!)).some((key) => keys.has(key)))
  t.ok(bandKeys(toStoredSignature(pageSignature(page)!)).every((key) => Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31))
})

t.test('documents whose pages match in order are near copies', async (t) => {
  const pages = [text(350), text(350), text(350)]
  const copy = [change(pages[0]!, 3), change(pages[1]!, 3), change(pages[2]!, 2)]
  const alignment = alignPages(signed(pages), signed(copy))
  t.ok(isNearCopy(alignment))
  t.ok(alignment.similarity >= 0.9)
  t.same(
    alignment.pairs.map((pair) => [pair.page, pair.otherPage]),
    [
      [1, 1],
      [2, 2],
      [3, 3],
    ],
  )
  // A cover page in front shifts the pairing, it does not break it.
  const withCover = alignPages(signed(pages), signed([text(100), ...copy]))
  t.same(
    withCover.pairs.map((pair) => [pair.page, pair.otherPage]),
    [
      [1, 2],
      [2, 3],
      [3, 4],
    ],
  )
  t.ok(withCover.similarity >= 0.7 && withCover.similarity < alignment.similarity)
  // The same pages in another order pair only those that keep the order.
  const shuffled = alignPages(signed(pages), signed([copy[2]!, copy[0]!, copy[1]!]))
  t.equal(shuffled.pairs.length, 2)
  t.notOk(isNearCopy(shuffled))
  // Half a document is not a near copy of the whole.
  t.notOk(isNearCopy(alignPages(signed(pages), signed(pages.slice(0, 1)))))
  t.ok(alignPages(signed(pages), signed([text(350), text(350), text(350)])).similarity < NEAR_COPY_SIMILARITY / 4)
  t.same(alignPages([], signed(pages)), { pairs: [], similarity: 0 })
})

t.test(
  'a document’s signature is the smallest value of its pages’ at each position; near copies share a key, documents sharing some pages do not',
  async (t) => {
    const pages = Array.from({ length: 25 }, () => text(120))
    const stored = pages.map((page) => toStoredSignature(pageSignature(page)!))
    const signature = documentSignature(stored)!
    t.same(documentSignature([stored[0]!]), stored[0])
    for (let index = 0; index < 128; index++) t.equal(signature[index]! >>> 0, Math.min(...stored.map((page) => page[index]! >>> 0)))
    t.equal(documentSignature([]), null)
    const keys = new Set(bandKeys(signature))
    const copy = documentSignature(pages.map((page, index) => toStoredSignature(pageSignature(index % 3 === 0 ? change(page, 1) : page)!)))!
    t.ok(
      bandKeys(copy).some((key) => keys.has(key)),
      'a copy with 9 words changed',
    )
    const sharing = documentSignature(pages.map((page, index) => toStoredSignature(pageSignature(index < 8 ? page : text(120))!)))!
    t.notOk(
      bandKeys(sharing).some((key) => keys.has(key)),
      '8 of 25 pages the same',
    )
  },
)
