/**
 * The labelled corpus (test/fixtures/inbound-mail: manifest.json names each raw message's expected
 * classification): every message parsed by mailparser as the ingest does, then classified. Prints
 * precision and recall per kind and per suggested event.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import t from 'tap'
import { classifyInbound, type InboundClassification } from '../../../src/modules/correspondence/classify.js'

interface Expected {
  file: string
  kind: InboundClassification['kind']
  bounce?: { originalMessageId: string | null; recipient: string | null; permanent: boolean; reasonIncludes: string }
  suggestion?: InboundClassification['suggestion']
}

const corpus = join(import.meta.dirname, '../../fixtures/inbound-mail')
const manifest = JSON.parse(await readFile(join(corpus, 'manifest.json'), 'utf8')) as Expected[]

const results: { expected: Expected; actual: InboundClassification }[] = []

t.test('every message of the corpus is classified as labelled', async (t) => {
  t.ok(manifest.length >= 40, `${manifest.length} labelled messages`)
  for (const expected of manifest) {
    const mail = await simpleParser(await readFile(join(corpus, expected.file)))
    const actual = classifyInbound(mail)
    results.push({ expected, actual })
    t.test(expected.file, async (t) => {
      t.equal(actual.kind, expected.kind, 'kind')
      t.same(actual.suggestion, expected.suggestion, 'suggestion')
      if (!expected.bounce) {
        t.equal(actual.bounce, undefined, 'no delivery report')
        return
      }
      const { reasonIncludes, ...bounce } = expected.bounce
      t.match(actual.bounce, bounce, 'delivery report')
      t.match(actual.bounce?.reason ?? '', reasonIncludes, 'reason')
    })
  }
})

t.test('precision and recall', async (t) => {
  const label = (classification: Pick<InboundClassification, 'kind' | 'suggestion'>) => ({
    kind: classification.kind,
    event: classification.suggestion?.event ?? 'none',
  })
  for (const axis of ['kind', 'event'] as const) {
    const classes = [...new Set(results.flatMap(({ expected, actual }) => [label(expected)[axis], label(actual)[axis]]))].sort()
    for (const name of classes) {
      const truePositive = results.filter(({ expected, actual }) => label(expected)[axis] === name && label(actual)[axis] === name).length
      const predicted = results.filter(({ actual }) => label(actual)[axis] === name).length
      const relevant = results.filter(({ expected }) => label(expected)[axis] === name).length
      const ratio = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`)
      t.comment(`${axis} ${name}: n=${relevant} precision ${ratio(truePositive, predicted)} recall ${ratio(truePositive, relevant)}`)
    }
  }
  const trackingExpected = results.filter(({ expected }) => expected.suggestion?.trackingNumber)
  const trackingFound = results.filter(({ actual }) => actual.suggestion?.trackingNumber)
  const trackingRight = results.filter(
    ({ expected, actual }) =>
      expected.suggestion?.trackingNumber && expected.suggestion.trackingNumber === actual.suggestion?.trackingNumber,
  )
  t.comment(
    `trackingNumber: n=${trackingExpected.length} precision ${trackingRight.length}/${trackingFound.length} recall ${trackingRight.length}/${trackingExpected.length}`,
  )
  t.equal(results.filter(({ expected, actual }) => expected.kind !== actual.kind).length, 0, 'every kind right')
})
