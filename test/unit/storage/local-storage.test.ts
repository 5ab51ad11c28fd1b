import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t, { type Test } from 'tap'
import { createLocalStorage } from '../../../src/adapters/storage/local-storage.js'
import { FileTooLargeError, StoredFileMissingError } from '../../../src/adapters/storage/storage.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const chunks = (...parts: string[]) => Readable.from(parts.map((part) => Buffer.from(part)))
const readAll = async (stream: Readable) => Buffer.concat(await stream.toArray())

async function storageRoot(t: Test) {
  const root = await mkdtemp(join(tmpdir(), 'rr-storage-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  const list = async (folder: string) =>
    (await readdir(join(root, folder), { recursive: true }).catch(() => [])).filter((name) => name.length >= 36)
  return { root, storage: createLocalStorage(root), staging: () => list('staging'), objects: () => list('objects') }
}

t.test('staged bytes are hashed and sized, and appear under their hash only on commit', async (t) => {
  const { storage, staging, objects } = await storageRoot(t)
  const bytes = Buffer.from('Ring partnership agreement')
  const staged = await storage.stage(chunks('Ring ', 'partnership ', 'agreement'), { maxBytes: 1000 })
  t.equal(staged.sha256, sha256(bytes))
  t.equal(staged.size, bytes.length)
  t.equal((await staging()).length, 1)
  await t.rejects(storage.open(staged.sha256), StoredFileMissingError, 'not readable before commit')
  await staged.commit()
  await staged.commit()
  await staged.discard()
  t.same(await staging(), [])
  t.same(await objects(), [join(staged.sha256.slice(0, 2), staged.sha256)])
  t.same(await readAll(await storage.open(staged.sha256)), bytes)
})

t.test('the same bytes staged twice are one file; discarding leaves the stored copy alone', async (t) => {
  const { storage, staging, objects } = await storageRoot(t)
  const first = await storage.stage(chunks('same bytes'), { maxBytes: 100 })
  const second = await storage.stage(chunks('same ', 'bytes'), { maxBytes: 100 })
  await first.commit()
  await second.commit()
  const third = await storage.stage(chunks('same bytes'), { maxBytes: 100 })
  await third.discard()
  await t.rejects(third.commit(), /discarded/)
  t.equal((await objects()).length, 1)
  t.same(await staging(), [])
  t.equal((await readAll(await storage.open(first.sha256))).toString(), 'same bytes')
})

t.test('too many bytes, a refused head or a failing source leave nothing staged', async (t) => {
  const { storage, staging, objects } = await storageRoot(t)
  await t.rejects(storage.stage(chunks('12345', '67890', 'x'), { maxBytes: 10 }), FileTooLargeError)
  t.ok(
    await storage
      .stage(chunks('12345', '67890'), { maxBytes: 10 })
      .then((file) => file.discard())
      .then(() => true),
    'exactly the limit is fine',
  )

  const heads: string[] = []
  const refuse = (head: Buffer) => {
    heads.push(head.toString())
    if (!head.toString().startsWith('%PDF')) throw new Error('not a PDF')
  }
  await t.rejects(storage.stage(chunks('GIF', '89a and more'), { maxBytes: 100, inspectBytes: 4, inspect: refuse }), /not a PDF/)
  const pdf = await storage.stage(chunks('%P', 'DF-1.7 body'), { maxBytes: 100, inspectBytes: 4, inspect: refuse })
  const short = storage.stage(chunks('%P'), { maxBytes: 100, inspectBytes: 4, inspect: refuse })
  await t.rejects(short, /not a PDF/)
  t.same(heads, ['GIF8', '%PDF', '%P'], 'inspect sees the first bytes once, or the whole file if shorter')
  await pdf.discard()

  const broken = new Readable({
    read() {
      this.push(Buffer.from('partial upload'))
      this.destroy(new Error('client went away'))
    },
  })
  await t.rejects(storage.stage(broken, { maxBytes: 1000 }), /client went away/)
  t.same(await staging(), [])
  t.same(await objects(), [])
})

t.test('keys that are not SHA-256 digests never reach the file system', async (t) => {
  const { storage } = await storageRoot(t)
  for (const key of ['../../etc/passwd', 'ab', 'A'.repeat(64), `${'a'.repeat(63)}/`]) {
    await t.rejects(storage.open(key), TypeError, key)
    await t.rejects(storage.remove(key), TypeError, key)
  }
  await storage.remove('a'.repeat(64))
  t.pass('removing a key that holds nothing is not an error')
})

t.test('abandoned staging files are cleared, recent ones kept', async (t) => {
  const { root, storage, staging } = await storageRoot(t)
  t.equal(await storage.removeAbandoned(1000), 0, 'no staging folder yet')
  const recent = await storage.stage(chunks('in progress'), { maxBytes: 100 })
  const old = join(root, 'staging', '00000000-0000-4000-8000-000000000000')
  await writeFile(old, 'left by a crashed process')
  await utimes(old, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
  t.equal(await storage.removeAbandoned(30_000), 1)
  t.equal((await staging()).length, 1)
  await recent.commit()
  t.equal((await readFile(join(root, 'objects', recent.sha256.slice(0, 2), recent.sha256))).toString(), 'in progress')
})
