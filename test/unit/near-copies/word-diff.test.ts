import t from 'tap'
import { seededRandom } from '../../../bench/lib/corpus.js'
import { diffSequences, diffWords, MAX_EDITS } from '../../../src/modules/near-copies/word-diff.js'

const changed = (changes: ReturnType<typeof diffWords>) => changes.filter((change) => change.op !== 'equal')

t.test('a changed word shows as that word deleted and its replacement inserted', async (t) => {
  t.same(diffWords('retain footage for ninety days', 'retain footage for thirty days'), [
    { op: 'equal', text: 'retain footage for' },
    { op: 'delete', text: 'ninety' },
    { op: 'insert', text: 'thirty' },
    { op: 'equal', text: 'days' },
  ])
})

t.test('insertions and deletions at either end and in the middle; re-wrapping is no change', async (t) => {
  t.same(diffWords('a b c', 'x a b c'), [
    { op: 'insert', text: 'x' },
    { op: 'equal', text: 'a b c' },
  ])
  t.same(diffWords('a b c d', 'a c d'), [
    { op: 'equal', text: 'a' },
    { op: 'delete', text: 'b' },
    { op: 'equal', text: 'c d' },
  ])
  t.same(diffWords('a b', 'a b y z'), [
    { op: 'equal', text: 'a b' },
    { op: 'insert', text: 'y z' },
  ])
  t.same(diffWords('one\ntwo  three', 'one two\nthree'), [{ op: 'equal', text: 'one two three' }])
  t.same(diffWords('', ''), [])
  t.same(diffWords('', 'new'), [{ op: 'insert', text: 'new' }])
  t.same(diffWords('old', ''), [{ op: 'delete', text: 'old' }])
})

t.test('the diff is a shortest one and rebuilds both texts', async (t) => {
  const random = seededRandom(3)
  for (let round = 0; round < 200; round++) {
    const a = Array.from({ length: Math.floor(random() * 40) }, () => 'abcde'[Math.floor(random() * 5)]!)
    const b = Array.from({ length: Math.floor(random() * 40) }, () => 'abcde'[Math.floor(random() * 5)]!)
    const operations = diffSequences(a, b)
    t.same(
      operations.filter((operation) => operation.op !== 'insert').map((operation) => operation.word),
      a,
    )
    t.same(
      operations.filter((operation) => operation.op !== 'delete').map((operation) => operation.word),
      b,
    )
    // The length of a longest common subsequence, by dynamic programming, is what the diff keeps.
    const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        lcs[i]![j] = a[i - 1] === b[j - 1] ? lcs[i - 1]![j - 1]! + 1 : Math.max(lcs[i - 1]![j]!, lcs[i]![j - 1]!)
    t.equal(operations.filter((operation) => operation.op === 'equal').length, lcs[a.length]![b.length]!)
  }
})

t.test('texts differing in more words than the limit are shown as replaced whole', async (t) => {
  const a = Array.from({ length: MAX_EDITS }, (_, index) => `a${index}`).join(' ')
  const b = Array.from({ length: MAX_EDITS }, (_, index) => `b${index}`).join(' ')
  const changes = diffWords(`same ${a}`, `same ${b}`)
  t.same(
    changes.map((change) => change.op),
    ['equal', 'delete', 'insert'],
  )
  t.equal(changed(changes)[0]!.text, a)
  t.equal(changed(changes)[1]!.text, b)
})
