import t from 'tap'
import { describeResponsePeriod, numberToWords } from '../../../src/modules/templates/response-period.js'
import { law, RECORDS_LAWS } from './fixtures/letter-fixtures.js'

t.test('numberToWords writes whole numbers out', async (t) => {
  const expected: Array<[number, string]> = [
    [0, 'zero'],
    [1, 'one'],
    [3, 'three'],
    [10, 'ten'],
    [11, 'eleven'],
    [15, 'fifteen'],
    [19, 'nineteen'],
    [20, 'twenty'],
    [21, 'twenty-one'],
    [30, 'thirty'],
    [45, 'forty-five'],
    [59, 'fifty-nine'],
    [60, 'sixty'],
    [99, 'ninety-nine'],
    [100, 'one hundred'],
    [120, 'one hundred twenty'],
    [365, 'three hundred sixty-five'],
    [1000, 'one thousand'],
    [2024, 'two thousand twenty-four'],
  ]
  for (const [n, words] of expected) t.equal(numberToWords(n), words, `${n}`)
})

t.test('numberToWords covers 0..60 without gaps or digits', async (t) => {
  const seen = new Set<string>()
  for (let n = 0; n <= 60; n++) {
    const words = numberToWords(n)
    t.match(words, /^[a-z]+(-[a-z]+)?$/, `${n} → ${words}`)
    seen.add(words)
  }
  t.equal(seen.size, 61, 'every number has its own words')
})

t.test('numberToWords refuses what it cannot write', async (t) => {
  for (const bad of [-1, 1.5, Number.NaN, 1_000_000]) t.throws(() => numberToWords(bad), RangeError, `${bad}`)
})

t.test('describeResponsePeriod for real laws', async (t) => {
  t.equal(describeResponsePeriod(law('WA')), 'five business days')
  t.equal(describeResponsePeriod(law('CA')), 'ten calendar days')
  t.equal(describeResponsePeriod(law('TX')), 'ten business days')
  t.equal(describeResponsePeriod(law('NY')), 'five business days')
  t.equal(describeResponsePeriod(law('US')), 'twenty business days')
  t.equal(describeResponsePeriod(law('MD')), 'thirty calendar days')
  t.equal(describeResponsePeriod(law('AR')), 'three business days')
  t.equal(describeResponsePeriod(law('AZ')), null, 'Arizona says "promptly"')
  t.equal(describeResponsePeriod({ responseDays: 1, dayType: 'business' }), 'one business day')
  t.equal(describeResponsePeriod({ responseDays: 10, dayType: null }), null)
})

t.test('every one of the 52 laws gets words exactly when it has a fixed period', async (t) => {
  t.equal(RECORDS_LAWS.size, 52)
  for (const jurisdiction of RECORDS_LAWS.values()) {
    const period = describeResponsePeriod(jurisdiction)
    if (jurisdiction.responseDays === null) {
      t.equal(period, null, jurisdiction.code)
    } else {
      t.match(period, /^[a-z-]+(?: [a-z-]+)? (business|calendar) days?$/, `${jurisdiction.code}: ${period}`)
      t.notMatch(period, /\d/, `${jurisdiction.code} has no digits`)
    }
  }
})
