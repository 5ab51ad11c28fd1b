import t from 'tap'
import { escapeHtml, MATCH_END, MATCH_START, TAG_GUARD, toSnippetHtml } from '../../../src/modules/search/snippet.js'

const marked = (text: string) => text.replaceAll('[', MATCH_START).replaceAll(']', MATCH_END)

t.test('snippets are escaped HTML with the matches in <mark>', async (t) => {
  t.equal(toSnippetHtml(marked('the [Neighbors] [Portal] agreement')), 'the <mark>Neighbors</mark> <mark>Portal</mark> agreement')
  t.equal(
    toSnippetHtml(marked('<script>alert("x")</script> & [ring]')),
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>ring</mark>',
  )
  t.equal(toSnippetHtml(marked("it's [<b>]")), 'it&#39;s <mark>&lt;b&gt;</mark>')
  t.equal(toSnippetHtml(marked('unclosed [match')), 'unclosed <mark>match</mark>')
  t.equal(toSnippetHtml(marked('stray] end [[double]]')), 'stray end <mark>double</mark>')
  t.equal(toSnippetHtml(''), '')
  t.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;')
})

t.test('the guard that keeps tags as words is not shown', async (t) => {
  t.equal(
    toSnippetHtml(marked(`Budget <${TAG_GUARD}script>[alert]("x")<${TAG_GUARD}/script>`)),
    'Budget &lt;script&gt;<mark>alert</mark>(&quot;x&quot;)&lt;/script&gt;',
  )
})
