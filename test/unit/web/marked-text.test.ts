import t from 'tap'
import { toSnippetHtml } from '../../../src/modules/search/snippet.js'
import { markedParts } from '../../../src/web/marked-text.js'

t.test('a snippet comes back as plain-text runs, marked where search marked it', async (t) => {
  t.same(markedParts('the <mark>neighbors</mark> <mark>portal</mark> &amp; more'), [
    { text: 'the ', marked: false },
    { text: 'neighbors', marked: true },
    { text: ' ', marked: false },
    { text: 'portal', marked: true },
    { text: ' & more', marked: false },
  ])
})

t.test('markup in a page survives the round trip as text, never as tags', async (t) => {
  const html = toSnippetHtml('<script>alert("x")</script> \u0002Ring\u0003 &lt;b&gt; it\'s')
  const parts = markedParts(html)
  t.same(parts, [
    { text: '<script>alert("x")</script> ', marked: false },
    { text: 'Ring', marked: true },
    { text: " &lt;b&gt; it's", marked: false },
  ])
})
