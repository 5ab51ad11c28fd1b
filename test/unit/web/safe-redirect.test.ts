import t from 'tap'
import { safeNextPath } from '../../../src/web/safe-redirect.js'

t.test('same-origin paths pass, with their query and fragment', async (t) => {
  t.equal(safeNextPath('/me/tokens'), '/me/tokens')
  t.equal(safeNextPath('/search?q=ring&state=WA#top'), '/search?q=ring&state=WA#top')
  t.equal(safeNextPath('/documents/x/../y'), '/documents/y', 'dot segments are resolved, staying on the site')
})

t.test('anything that could leave the site, or loop into sign-in, is refused', async (t) => {
  for (const value of [
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/%0d%0aLocation:%20https://evil.example'.replace('%0d%0a', '\r\n'),
    'evil.example',
    '',
    '/login',
    '/login/rrs_abc',
    '/logout',
    `/${'a'.repeat(2_001)}`,
    undefined,
    42,
    ['/me'],
  ]) {
    t.equal(safeNextPath(value), null, JSON.stringify(value))
  }
})
