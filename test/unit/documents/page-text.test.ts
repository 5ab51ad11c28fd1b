import t from 'tap'
import { cleanPageText, MAX_PAGE_CHARS, paginateText, TEXT_PAGE_CHARS } from '../../../src/modules/documents/page-text.js'

t.test('stored text has no control characters but line breaks and tabs', async (t) => {
  t.equal(cleanPageText('a\u0000b\u0002c\u0003d\u001be\tf\r\ng  \n\n\n\nh\u007f'), 'a b c d e\tf\ng\n\nh')
  t.equal(cleanPageText('   \n  '), '')
  t.equal(cleanPageText('x'.repeat(MAX_PAGE_CHARS + 10)).length, MAX_PAGE_CHARS)
})

t.test('plain text is paged at form feeds and split at line breaks when long', async (t) => {
  t.same(paginateText('one\fTwo\r\n\fthree'), ['one', 'Two', 'three'])
  t.same(paginateText(''), [''])
  t.same(paginateText('\f\f'), [''])
  const line = `${'word '.repeat(19)}word\n`
  const long = line.repeat(Math.ceil((TEXT_PAGE_CHARS * 2.5) / line.length))
  const pages = paginateText(long)
  t.equal(pages.length, 3)
  for (const page of pages) {
    t.ok(page.length <= TEXT_PAGE_CHARS)
    t.match(page, /^word/, 'starts at a line')
  }
  t.equal(pages.join('\n').replace(/\s+/g, ' '), long.replace(/\s+/g, ' ').trim(), 'nothing lost')
  const unbroken = 'x'.repeat(TEXT_PAGE_CHARS + 5)
  t.same(
    paginateText(unbroken).map((page) => page.length),
    [TEXT_PAGE_CHARS, 5],
    'no line break to split at',
  )
})
