import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import t from 'tap'
import { HEADER_BLOCK_LIMIT, HeaderBlockTap } from '../../../src/modules/correspondence/header-block.js'

async function tapped(chunks: Buffer[]): Promise<{ header: Buffer | null; passed: Buffer }> {
  const tap = new HeaderBlockTap()
  const passed: Buffer[] = []
  await pipeline(Readable.from(chunks), tap, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) passed.push(chunk)
  })
  return { header: await tap.header, passed: Buffer.concat(passed) }
}

t.test('the header block is kept aside and every byte passes through', async (t) => {
  const raw = Buffer.from('From: a@b.example\r\nSubject: x\r\n\r\nBody\r\n\r\nmore\r\n')
  // Every split of the message into two chunks, so the blank line falls across them too.
  for (let cut = 0; cut <= raw.length; cut += 1) {
    const { header, passed } = await tapped([raw.subarray(0, cut), raw.subarray(cut)])
    t.equal(header?.toString(), 'From: a@b.example\r\nSubject: x\r\n\r\n')
    t.ok(passed.equals(raw))
  }
  t.equal((await tapped([Buffer.from('From: a@b.example\nSubject: x\n\nBody\n')])).header?.toString(), 'From: a@b.example\nSubject: x\n\n')
  t.equal((await tapped([Buffer.from('Subject: no body\r\n')])).header?.toString(), 'Subject: no body\r\n', 'no body: the whole message')
})

t.test('no header block past the limit, nor from a stream that fails', async (t) => {
  const endless = Buffer.from(`X-Long: ${'x'.repeat(HEADER_BLOCK_LIMIT)}\r\n\r\nbody`)
  t.equal((await tapped([endless.subarray(0, 4096), endless.subarray(4096)])).header, null)
  const tap = new HeaderBlockTap()
  tap.on('error', () => {})
  tap.write(Buffer.from('Subject: cut'))
  tap.destroy(new Error('read failed'))
  t.equal(await tap.header, null)
})
