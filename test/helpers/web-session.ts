// A browser-like session over app.inject, for the web page tests: cookies kept, forms posted with
// their CSRF token, and sign-in through the emailed link as a person does it.
import type { AccountHandlers } from '../../src/jobs/runner.js'
import type { TestApp } from './app.js'
import type { SmtpCapture } from './smtp-capture.js'

export type Cookies = Record<string, string>

/** The CSRF token of the (first) form in a page. */
export function csrfIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!match?.[1]) throw new Error('no CSRF token in the page')
  return match[1]
}

/** A visitor: keeps the cookies the service sets, posts forms url-encoded. */
export function visitor(app: TestApp['app']) {
  const jar: Cookies = {}
  const keep = <R extends { cookies: { name: string; value: string }[] }>(response: R): R => {
    for (const cookie of response.cookies) jar[cookie.name] = cookie.value
    return response
  }
  return {
    jar,
    get: async (url: string) => keep(await app.inject({ method: 'GET', url, cookies: jar })),
    post: async (url: string, form: Record<string, string>) =>
      keep(
        await app.inject({
          method: 'POST',
          url,
          cookies: jar,
          payload: new URLSearchParams(form).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
  }
}

/**
 * Signs a new visitor in as `email`: asks /login for a link, runs the worker's job that emails it
 * (through `handlers`, to the test SMTP server), opens the link and presses Sign in.
 */
export function emailLinkSignIn(
  built: Pick<TestApp, 'app' | 'ctx'>,
  smtp: Pick<SmtpCapture, 'messages'>,
  handlers: Pick<AccountHandlers, 'emailSignInLink'>,
) {
  return async (email: string) => {
    const who = visitor(built.app)
    const form = await who.get('/login')
    await who.post('/login', { email, _csrf: csrfIn(form.body) })
    const before = smtp.messages.length
    const [link] = await built.ctx.db.execute<{ id: string }>(
      `select id from sign_in_links order by created_at desc, id desc limit 1` as never,
    )
    await handlers.emailSignInLink(link!.id)
    if (smtp.messages.length === before) throw new Error('no sign-in email')
    const path = /http:\/\/records\.test(\/login\/\S+)/.exec(smtp.messages.at(-1)!.text ?? '')![1]!
    const confirm = await who.get(path)
    const done = await who.post(path, { _csrf: csrfIn(confirm.body) })
    if (done.statusCode !== 303) throw new Error(`sign-in answered ${done.statusCode}`)
    return who
  }
}
