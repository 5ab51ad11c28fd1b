import t from 'tap'
import { isWritableMessageId, MAX_REFERENCES, threadHeadersAfter } from '../../../src/modules/correspondence/thread-headers.js'

t.test('the first email of a thread answers nothing', async (t) => {
  t.same(threadHeadersAfter(null), { inReplyTo: null, references: [] })
})

t.test('an answer names its parent and the parent’s chain (RFC 5322 §3.6.4)', async (t) => {
  const letter = { messageId: 'delivery-1@replies.test', inReplyTo: null, references: [] }
  t.same(threadHeadersAfter(letter), { inReplyTo: 'delivery-1@replies.test', references: ['delivery-1@replies.test'] })
  const reply = { messageId: 'abc@city.gov', inReplyTo: 'delivery-1@replies.test', references: ['delivery-1@replies.test'] }
  t.same(threadHeadersAfter(reply), { inReplyTo: 'abc@city.gov', references: ['delivery-1@replies.test', 'abc@city.gov'] })
  const noReferences = { messageId: 'def@city.gov', inReplyTo: 'delivery-1@replies.test', references: [] }
  t.same(
    threadHeadersAfter(noReferences).references,
    ['delivery-1@replies.test', 'def@city.gov'],
    'without References, the parent’s In-Reply-To starts the chain',
  )
  const repeated = { messageId: 'abc@city.gov', inReplyTo: null, references: ['x@y', 'abc@city.gov'] }
  t.same(threadHeadersAfter(repeated).references, ['x@y', 'abc@city.gov'], 'no id twice')
})

t.test('a long thread keeps its root and the latest ids', async (t) => {
  const chain = Array.from({ length: 40 }, (_, i) => `m${i}@replies.test`)
  const headers = threadHeadersAfter({ messageId: 'last@city.gov', inReplyTo: 'm39@replies.test', references: chain })
  t.equal(headers.references.length, MAX_REFERENCES)
  t.equal(headers.references[0], 'm0@replies.test')
  t.equal(headers.references.at(-1), 'last@city.gov')
  t.equal(headers.references[1], 'm22@replies.test', 'then the 19 latest: m22…m39 and the parent')
})

t.test('ids that cannot be written back into a header are left out', async (t) => {
  t.notOk(isWritableMessageId('a b@c'))
  t.notOk(isWritableMessageId('a@b>\r\nBcc: x@y'))
  t.notOk(isWritableMessageId('no-at-sign'))
  t.ok(isWritableMessageId('CAF=abc+1@mail.gmail.com'))
  const parent = { messageId: 'ok@city.gov', inReplyTo: null, references: ['bad id@x', 'fine@x', 'x@y\nInjected: 1'] }
  t.same(threadHeadersAfter(parent).references, ['fine@x', 'ok@city.gov'])
  t.same(threadHeadersAfter({ messageId: 'broken id', inReplyTo: null, references: ['fine@x'] }), { inReplyTo: null, references: [] })
})
