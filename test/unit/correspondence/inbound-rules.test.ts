import t from 'tap'
import { firstUidToRead, retryDelayMs, uidsToRead } from '../../../src/modules/correspondence/imap-checkpoint.js'
import { isReplyDomainAddress } from '../../../src/modules/correspondence/reply-domain.js'

t.test('the listener takes any local part at the reply domain, and nothing else', async (t) => {
  const domain = 'replies.records.test'
  for (const address of [
    'request-abc@replies.records.test',
    'Typo@REPLIES.Records.Test',
    'x@replies.records.test.',
    '"odd @ part"@replies.records.test',
  ]) {
    t.ok(isReplyDomainAddress(address, domain), address)
  }
  for (const address of [
    'request-abc@records.test',
    'request-abc@sub.replies.records.test',
    'request-abc@replies.records.test.evil.example',
    'replies.records.test',
    '@replies.records.test',
    'request-abc@',
    'request-abc@[127.0.0.1]',
    '',
  ]) {
    t.notOk(isReplyDomainAddress(address, domain), JSON.stringify(address))
  }
})

t.test('reading starts after the checkpoint, or from 1 when UIDVALIDITY changed or there is none', async (t) => {
  t.equal(firstUidToRead(null, 7), 1)
  t.equal(firstUidToRead({ uidValidity: 7, lastUid: 41 }, 7), 42)
  t.equal(firstUidToRead({ uidValidity: 7, lastUid: 41 }, 8), 1)
  t.equal(firstUidToRead({ uidValidity: 4_294_967_295, lastUid: 4_294_967_294 }, 4_294_967_295), 4_294_967_295)
})

t.test('UIDs are read in order, and the highest UID a search of n:* always answers is dropped when below n', async (t) => {
  t.same(uidsToRead([9, 5, 7], 5), [5, 7, 9])
  t.same(uidsToRead([4], 5), [])
  t.same(uidsToRead([], 1), [])
})

t.test('retries back off exponentially up to a ceiling', async (t) => {
  t.same(
    [1, 2, 3, 4, 10, 100].map((failures) => retryDelayMs(failures, 1_000, 60_000)),
    [1_000, 2_000, 4_000, 8_000, 60_000, 60_000],
  )
  t.equal(retryDelayMs(0, 1_000, 60_000), 1_000)
})
