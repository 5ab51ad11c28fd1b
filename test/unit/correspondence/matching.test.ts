import t from 'tap'
import { deliveryIdsIn, messageIdsIn, replyKeysIn } from '../../../src/modules/correspondence/matching.js'

t.test('reply keys are the local parts at the reply domain, case-insensitive, each once', async (t) => {
  t.same(
    replyKeysIn(
      [
        'Request-Abc@Replies.Records.Test',
        'clerk@agency.example',
        'request-abc@replies.records.test',
        'request-def+x@replies.records.test.',
        'x@other.replies.records.test',
      ],
      'replies.records.test',
    ),
    ['request-abc', 'request-def'],
  )
  t.same(replyKeysIn(['@replies.records.test', 'no-at-sign'], 'replies.records.test'), [])
})

t.test('message ids come out of In-Reply-To and References without brackets', async (t) => {
  t.same(messageIdsIn('<a@x> <b@y>\r\n <a@x>'), ['a@x', 'b@y'])
  t.same(messageIdsIn(['<a@x>', '<c@z>']), ['a@x', 'c@z'])
  t.same(messageIdsIn('bare@id.example'), ['bare@id.example'])
  t.same(messageIdsIn(undefined), [])
  t.same(messageIdsIn('no id here'), [])
})

t.test('delivery ids are read only from the service’s own Message-IDs', async (t) => {
  const id = '0b6c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3'
  t.same(
    deliveryIdsIn(
      [`delivery-${id}@replies.records.test`, `delivery-${id}@elsewhere.example`, 'delivery-nope@replies.records.test'],
      'replies.records.test',
    ),
    [id],
  )
})
