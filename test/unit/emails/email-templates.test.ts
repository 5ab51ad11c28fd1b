import t, { type Test } from 'tap'
import { REMINDER_KINDS } from '../../../src/modules/deliveries/reminder-plan.js'
import {
  EmailRenderError,
  loadEmailTemplates,
  type ReminderEmailContext,
  type RenderedEmail,
} from '../../../src/modules/templates/email-templates.js'
import {
  agencyLetterContext,
  deliveryFailedContext,
  FOLLOW_UP_LETTER,
  MUTE_URL,
  REQUEST_LETTER,
  REQUEST_URL,
  reminderContext,
} from './fixtures/email-fixtures.js'

const emails = await loadEmailTemplates()

const SCRIPT = '<script>alert(1)</script>'
const ESCAPED_SCRIPT = '&lt;script&gt;alert(1)&lt;/script&gt;'

/** HTML text as a reader sees it: tags dropped, the entities the escaper writes decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&rsquo;/g, '’')
    .replace(/&amp;/g, '&')
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;')
}

function assertWellFormed(t: Test, email: RenderedEmail): void {
  t.notMatch(email.subject, /[\r\n]/, 'subject is one line')
  t.equal(email.subject, email.subject.trim())
  t.notMatch(
    email.text,
    /<\/?(?:!doctype|html|head|meta|body|div|p|a|strong|table|tr|td|pre|br)\b|&[a-z]+;|&#\d+;/i,
    'text part has no markup or entities',
  )
  t.notMatch(email.text, /\r|\n{3,}|[ \t]+$/m, 'text part: LF only, single blank lines, no trailing spaces')
  t.equal(email.text, email.text.trim())
  t.match(email.html, /^<!DOCTYPE html>\n<html lang="en">[\s\S]*<meta charset="utf-8">[\s\S]*<\/html>\n$/)
  t.notMatch(email.html, /\{\{|\{%/, 'no Liquid left in the HTML')
  t.notMatch(email.text, /\{\{|\{%/, 'no Liquid left in the text')
}

for (const kind of REMINDER_KINDS) {
  t.test(`reminder ${kind}`, async (t) => {
    const ctx = reminderContext(kind)
    const email = emails.reminder(ctx)
    assertWellFormed(t, email)

    t.test('names the agency, request, law, due date, link and mute link in both parts', async (t) => {
      for (const [part, content] of [
        ['text', email.text],
        ['html', visibleText(email.html)],
      ] as const) {
        t.match(content, 'Hello José Núñez,', part)
        t.match(content, 'Spokane Police Department', part)
        t.match(content, 'Ring partnership records', part)
        t.match(content, 'P012345-030226', part)
        t.match(content, `${ctx.law.name}, ${ctx.law.citation}`, part)
        t.match(content, 'December 1, 2026', part)
        t.match(content, 'November 20, 2026', `${part}: submission date`)
      }
      t.match(email.text, `\n${REQUEST_URL}\n`, 'the request link stands on its own line')
      t.match(email.text, `To mute reminders for this request: ${MUTE_URL}`)
      t.match(email.html, `<a href="${escapeHtml(REQUEST_URL)}"`)
      t.match(email.html, `<a href="${escapeHtml(MUTE_URL)}"`)
      t.match(email.subject, 'Ring partnership records')
      t.match(email.subject, '(Spokane Police Department)')
    })

    if (kind === 'overdue' || kind === 'follow_up') {
      t.test('says how late and carries the follow-up letter', async (t) => {
        const days = ctx.daysLate
        t.match(email.text, `${days} days past the due date`)
        t.match(visibleText(email.html), `${days} days past the due date`)
        t.match(email.subject, kind === 'overdue' ? `Overdue by ${days} days:` : `Still no response, ${days} days late:`)
        t.match(email.text, `Subject: ${FOLLOW_UP_LETTER.subject}\n\n${FOLLOW_UP_LETTER.body}\n`, 'the letter, whole and unchanged')
        t.match(email.text, 'Forward it to the agency at publicrecords@spokanepolice.org')
        t.match(email.html, `white-space:pre-wrap`)
        t.match(email.html, escapeHtml(FOLLOW_UP_LETTER.body), 'the letter, escaped, in the HTML part')
        t.match(FOLLOW_UP_LETTER.body, `${ctx.law.name}, ${ctx.law.citation}`, 'the fixture letter is the real follow-up letter')
      })

      t.test('one day late is singular', async (t) => {
        const one = emails.reminder(reminderContext(kind, { daysLate: 1 }))
        t.match(one.text, '1 day past the due date')
        t.notMatch(one.text, /\b1 days/)
      })

      t.test('an agency without an email address gets no address in the instructions', async (t) => {
        const noEmail = emails.reminder(reminderContext(kind, { agency: { name: 'Spokane Police Department', email: null } }))
        t.match(noEmail.text, 'Forward it to the agency or paste it')
        t.notMatch(noEmail.text, 'publicrecords@')
      })

      t.test('refuses to render without the letter', async (t) => {
        t.throws(() => emails.reminder(reminderContext(kind, { followUpLetter: null })), EmailRenderError)
      })
    } else if (kind === 'appeal_window') {
      t.test('is about the window to appeal a denial', async (t) => {
        t.match(email.subject, /^Appeal by December 1, 2026: /)
        t.match(email.text, 'your window to appeal closes on December 1, 2026')
        t.match(visibleText(email.html), 'your window to appeal closes on December 1, 2026')
        t.notMatch(email.text, 'past the due date')
      })
    } else {
      t.test('is not about lateness and carries no letter', async (t) => {
        t.notMatch(email.text, 'past the due date')
        t.notMatch(email.text, 'Follow-up letter ---')
        t.notMatch(email.html, '<pre')
        t.match(email.subject, kind === 'due_today' ? /^Response due today: / : /^Response due December 1, 2026: /)
        t.match(email.text, kind === 'due_today' ? 'is due today, December 1, 2026,' : 'due for a response on December 1, 2026')
      })
    }

    t.test('without a tracking number there is no tracking line', async (t) => {
      const request = { ...ctx.request, trackingNumber: null }
      const plain = emails.reminder({ ...ctx, request })
      t.notMatch(plain.text, 'Tracking number')
      t.notMatch(plain.html, 'Tracking number')
      t.match(plain.text, 'Request: Ring partnership records\nAgency: Spokane Police Department\n')
    })
  })
}

t.test('hostile values are escaped in HTML and literal in text', async (t) => {
  const ctx = reminderContext('overdue', {
    requester: { name: `Eve ${SCRIPT}`, email: 'eve@example.org' },
    agency: { name: `Agency "${SCRIPT}" & Co`, email: `x@example.org${SCRIPT}` },
    law: { name: `Law ${SCRIPT}`, citation: `Cite ${SCRIPT}` },
    dueOn: `December 1, 2026 ${SCRIPT}`,
    followUpLetter: { subject: `Follow-up ${SCRIPT}`, body: `Dear Officer:\n\n${SCRIPT}\n\n<b>{{ 7*7 }}</b> {% raw %}` },
  })
  const request = {
    ...ctx.request,
    subject: `Records ${SCRIPT}`,
    trackingNumber: `T-${SCRIPT}`,
    url: `${REQUEST_URL}?a="><script>alert(1)</script>`,
  }
  const email = emails.reminder({ ...ctx, request })

  t.notMatch(email.html, /<script|<b>/i, 'no value became markup')
  t.notMatch(email.html, /href="[^"]*"></, 'the quote in the link cannot close the attribute')
  t.match(email.html, `href="${escapeHtml(request.url)}"`)
  const escapedCount = email.html.split(ESCAPED_SCRIPT).length - 1
  t.ok(escapedCount >= 11, `every hostile value is escaped (${escapedCount} found)`)
  t.match(email.html, 'Agency &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34; &amp; Co')
  t.match(email.html, '&lt;b&gt;{{ 7*7 }}&lt;/b&gt; {% raw %}', 'Liquid in values is data, never run')

  t.match(email.text, `Hello Eve ${SCRIPT},`)
  t.match(email.text, `Dear Officer:\n\n${SCRIPT}\n\n<b>{{ 7*7 }}</b> {% raw %}`)
  t.match(email.text, `Tracking number: T-${SCRIPT}`)
  t.notMatch(email.text, '&lt;', 'the text part escapes nothing')
  t.match(email.subject, `Records ${SCRIPT} (Agency "${SCRIPT}" & Co)`, 'subjects are text too')
})

t.test('Unicode passes through unchanged', async (t) => {
  const name = 'Nguyễn Thị Minh Khai 🛎️'
  const ctx = reminderContext('follow_up', {
    requester: { name, email: 'minh@example.com' },
    agency: { name: 'Oficina del Sheriff — Condado de Ventura', email: null },
  })
  const email = emails.reminder({ ...ctx, request: { ...ctx.request, subject: 'Registros de la asociación con Ring «Neighbors»' } })
  t.match(email.text, `Hello ${name},`)
  t.match(email.html, `Hello ${name},`)
  t.match(email.subject, 'Registros de la asociación con Ring «Neighbors» (Oficina del Sheriff — Condado de Ventura)')
  t.match(email.html, 'Oficina del Sheriff — Condado de Ventura has still not responded')
})

t.test('a subject value with line breaks renders on one line', async (t) => {
  const ctx = reminderContext('due_soon')
  const email = emails.reminder({ ...ctx, request: { ...ctx.request, subject: 'Ring\r\npartnership\n records' } })
  t.equal(email.subject, 'Response due December 1, 2026: Ring partnership records (Spokane Police Department)')
})

t.test('reminder contexts a template cannot use are refused', async (t) => {
  const ctx = reminderContext('overdue')
  t.throws(() => emails.reminder({ ...ctx, request: { ...ctx.request, url: 'javascript:alert(1)' } }), {
    name: 'EmailRenderError',
    message: /request\.url must be an http\(s\) URL/,
  })
  t.throws(() => emails.reminder({ ...ctx, request: { ...ctx.request, muteUrl: '/relative' } }), { message: /request\.muteUrl/ })
  t.throws(() => emails.reminder({ ...ctx, daysLate: -1 }), { message: /daysLate/ })
  t.throws(() => emails.reminder({ ...ctx, daysLate: 1.5 }), { message: /daysLate/ })
  t.throws(() => emails.reminder({ ...ctx, kind: 'weekly' as ReminderEmailContext['kind'] }), { message: /unknown reminder kind "weekly"/ })
  const { citation: _citation, ...lawWithoutCitation } = ctx.law
  t.throws(() => emails.reminder({ ...ctx, law: lawWithoutCitation as ReminderEmailContext['law'] }), {
    name: 'EmailRenderError',
    code: 'EMAIL_RENDER_FAILED',
    message: /^Email template "reminder-overdue": subject: .*law\.citation|^Email template "reminder-overdue": text: .*law\.citation/,
  })
})

for (const [method, letter] of [
  ['agencyFollowUp', FOLLOW_UP_LETTER],
  ['letter', REQUEST_LETTER],
] as const) {
  t.test(`${method}: the email is the letter`, async (t) => {
    const email = emails[method](agencyLetterContext(letter))
    assertWellFormed(t, email)
    t.equal(email.subject, letter.subject)
    t.equal(email.text, letter.body, 'the text part is exactly the letter')
    t.match(email.html, `white-space:pre-wrap`)
    t.match(email.html, `>${escapeHtml(letter.body)}</pre>`)
    t.notMatch(visibleText(email.html), /Hello|mute/i, 'nothing addressed to the requester')

    const hostile = emails[method](agencyLetterContext({ subject: `Request ${SCRIPT}`, body: `Dear Officer:\n\n${SCRIPT}` }))
    t.equal(hostile.subject, `Request ${SCRIPT}`)
    t.equal(hostile.text, `Dear Officer:\n\n${SCRIPT}`)
    t.notMatch(hostile.html, '<script')
    t.match(hostile.html, ESCAPED_SCRIPT)
  })
}

t.test('deliveryFailed: a bounce', async (t) => {
  const ctx = deliveryFailedContext()
  const email = emails.deliveryFailed(ctx)
  assertWellFormed(t, email)
  t.equal(email.subject, 'Not delivered: your request to Spokane Police Department')
  for (const content of [email.text, visibleText(email.html)]) {
    t.match(content, 'Hello José Núñez,')
    t.match(
      content,
      'Your public records request to Spokane Police Department was not delivered: the agency’s mail server refused it on November 20, 2026.'.replace(
        '’',
        content === email.text ? "'" : '’',
      ),
    )
    t.match(content, 'publicrecords@spokanepolice.org')
    t.match(content, '550 5.1.1 <publicrecords@spokanepolice.org>: Recipient address rejected: User unknown')
    t.match(content, 'The address may be wrong or no longer in use.')
    t.match(content, 'Ring partnership records')
  }
  t.match(email.text, `Subject: ${REQUEST_LETTER.subject}\n\n${REQUEST_LETTER.body}\n`, 'the undelivered letter, whole')
  t.match(email.html, escapeHtml(REQUEST_LETTER.body))
  t.match(email.text, `View or update the request: ${REQUEST_URL}`)
  t.match(email.html, `<a href="${escapeHtml(REQUEST_URL)}"`)
  t.notMatch(email.text, 'Tracking number')
  t.match(email.html, '550 5.1.1 &lt;publicrecords@spokanepolice.org&gt;', 'the server answer is escaped')
})

t.test('deliveryFailed: a follow-up that kept failing', async (t) => {
  const ctx = deliveryFailedContext({
    what: 'follow_up',
    permanent: false,
    attempts: 8,
    reason: 'connect ETIMEDOUT 203.0.113.7:25',
    letter: FOLLOW_UP_LETTER,
  })
  const email = emails.deliveryFailed({ ...ctx, request: { ...ctx.request, trackingNumber: 'P012345-030226' } })
  assertWellFormed(t, email)
  t.equal(email.subject, 'Not delivered: your follow-up to Spokane Police Department')
  t.match(
    email.text,
    'Your follow-up letter to Spokane Police Department could not be sent: after 8 attempts, the last on November 20, 2026,',
  )
  t.notMatch(email.text, 'wrong or no longer in use')
  t.match(email.text, 'Tracking number: P012345-030226')
  t.match(email.text, FOLLOW_UP_LETTER.body)

  const once = emails.deliveryFailed(deliveryFailedContext({ permanent: false, attempts: 1 }))
  t.match(once.text, 'after 1 attempt, the last')

  t.throws(() => emails.deliveryFailed({ ...ctx, request: { ...ctx.request, url: 'data:text/html,<script>' } }), {
    message: /request\.url/,
  })
})

t.test('a subject that already names the agency does not name it twice', async (t) => {
  const base = reminderContext('due_soon')
  const named = reminderContext('due_soon', {
    request: { ...base.request, subject: `Public records request: Ring partnership records (${base.agency.name})` },
  })
  for (const kind of REMINDER_KINDS) {
    const { subject } = emails.reminder({ ...reminderContext(kind), request: named.request })
    t.equal(subject.split(base.agency.name).length - 1, 1, `${kind}: the agency once`)
  }
  t.match(emails.reminder(base).subject, new RegExp(`\\(${base.agency.name}\\)$`), 'a subject without it still gets it')
})

t.test('the first late reminder offers "a" follow-up letter; only later ones say "another"', async (t) => {
  for (const kind of ['overdue', 'follow_up'] as const) {
    const first = emails.reminder(reminderContext(kind, { earlierFollowUps: 0 }))
    t.match(first.text, /\nA follow-up letter is ready below/, `${kind}: the first`)
    t.notMatch(first.text + first.html, /Another/)
    const later = emails.reminder(reminderContext(kind, { earlierFollowUps: 2 }))
    t.match(later.text, /Another follow-up letter is ready below/, `${kind}: a later one`)
  }
})

t.test('with automatic follow-ups the requester is told the agency was emailed, not asked to forward', async (t) => {
  for (const kind of ['overdue', 'follow_up'] as const) {
    const base = reminderContext(kind)
    const email = emails.reminder({ ...base, agency: { name: base.agency.name, email: 'records@spokanecity.org' }, agencyEmailed: true })
    t.match(email.text, /We have emailed (a|another) follow-up letter to the agency at records@spokanecity\.org on your behalf/)
    t.notMatch(email.text + visibleText(email.html), /Forward it/)
    t.match(visibleText(email.html), /on your behalf; a copy is below/)
  }
})

t.test('deadlineMoved: says why, the old and the new due date, escaped in HTML', async (t) => {
  const ctx = {
    requester: { name: 'José Núñez', email: 'jose@example.org' },
    agency: { name: 'Spokane Police Department' },
    request: { id: 'abc', subject: 'Ring partnership records', trackingNumber: null, url: REQUEST_URL },
    change: {
      why: 'State offices closed on 2026-03-04 (Ice <storm>): due date moved from 2026-03-09 to 2026-03-10',
      previousDueOn: 'March 9, 2026',
      dueOn: 'March 10, 2026',
    },
  }
  const email = emails.deadlineMoved(ctx)
  assertWellFormed(t, email)
  t.match(email.subject, /^New due date March 10, 2026: Ring partnership records \(Spokane Police Department\)$/)
  t.match(email.text, 'Was due: March 9, 2026\nNow due: March 10, 2026')
  t.match(email.text, 'Ice <storm>')
  t.match(email.html, 'Ice &lt;storm&gt;')
  t.notMatch(email.text, 'Tracking number')
  t.throws(() => emails.deadlineMoved({ ...ctx, request: { ...ctx.request, url: 'javascript:alert(1)' } }), { message: /request\.url/ })
})

t.test('deliveryFailed: the requester’s own message', async (t) => {
  const letter = { subject: 'Re: Ring partnership records [RR-8F3K2Q]', body: 'Could you narrow it to 2019?' }
  const email = emails.deliveryFailed(deliveryFailedContext({ what: 'message', letter }))
  assertWellFormed(t, email)
  t.equal(email.subject, 'Not delivered: your message to Spokane Police Department')
  t.match(email.text, 'Your message to Spokane Police Department was not delivered')
  t.match(email.text, 'Could you narrow it to 2019?')
  t.match(visibleText(email.html), 'Your message to Spokane Police Department')
})

t.test('requesterCopy: what was sent, to whom and from which address, with the text; escaped in HTML', async (t) => {
  const ctx = {
    requester: { name: 'José Núñez' },
    agency: { name: 'Spokane Police Department' },
    request: { id: 'abc', subject: 'Ring partnership records', trackingNumber: 'P012345', url: REQUEST_URL },
    copy: {
      what: 'message' as const,
      to: 'records@spokane.example',
      from: 'request-abc@replies.example.org',
      sentOn: 'March 10, 2026',
      subject: 'Re: Ring partnership records [RR-8F3K2Q]',
      text: `Please see the attached scope. ${SCRIPT}`,
      attachments: 'scope.txt, map.pdf',
    },
  }
  const email = emails.requesterCopy(ctx)
  assertWellFormed(t, email)
  t.equal(email.subject, 'Copy of your message to Spokane Police Department: Re: Ring partnership records [RR-8F3K2Q]')
  t.match(email.text, 'This is a copy of the message sent on your behalf to Spokane Police Department on March 10, 2026.')
  t.match(email.text, 'request-abc@replies.example.org')
  t.match(email.text, 'To: records@spokane.example\nAttached: scope.txt, map.pdf')
  t.match(email.text, 'Tracking number: P012345')
  t.match(email.text, `Please see the attached scope. ${SCRIPT}`)
  t.match(email.html, ESCAPED_SCRIPT)
  t.notMatch(email.html, SCRIPT)
  const letter = emails.requesterCopy({ ...ctx, copy: { ...ctx.copy, what: 'letter', attachments: '' } })
  t.match(letter.subject, /^Copy of your letter to Spokane Police Department: /)
  t.match(letter.text, 'public records request letter')
  t.notMatch(letter.text, 'Attached:')
  const followUp = emails.requesterCopy({ ...ctx, copy: { ...ctx.copy, what: 'follow_up' } })
  t.match(followUp.subject, /^Copy of your follow-up to /)
  t.throws(() => emails.requesterCopy({ ...ctx, request: { ...ctx.request, url: 'javascript:alert(1)' } }), { message: /request\.url/ })
})

t.test('signUpToken and signUpAgain: the token in both parts, the reason said, names escaped', async (t) => {
  const context = {
    user: { name: `Grace ${SCRIPT}`, email: 'grace@example.org' },
    token: { id: '3f2b8c1e-4d5a-4e6f-8a7b-9c0d1e2f3a4b', value: `rrt_${'A'.repeat(43)}` },
    docsUrl: 'https://records.example.org/docs',
  }
  const welcome = emails.signUpToken(context)
  const again = emails.signUpAgain(context)
  for (const email of [welcome, again]) {
    assertWellFormed(t, email)
    t.match(email.text, `Hello Grace ${SCRIPT},`, 'the text part is not HTML')
    t.match(email.html, `Hello Grace ${ESCAPED_SCRIPT},`)
    for (const content of [email.text, visibleText(email.html)]) {
      t.match(content, context.token.value)
      t.match(content, '(grace@example.org)')
      t.match(content, 'Authorization: Bearer')
    }
    t.match(email.html, '<a href="https://records.example.org/docs"')
    t.throws(() => (email === welcome ? emails.signUpToken : emails.signUpAgain)({ ...context, docsUrl: 'javascript:alert(1)' }), {
      message: /docsUrl/,
    })
  }
  t.equal(welcome.subject, 'Your Ring Records token')
  t.match(welcome.text, 'signed up for Ring Records with this address')
  t.match(welcome.text, 'If you did not sign up, ignore this email')
  t.equal(again.subject, 'Someone tried to sign up with your address: a new Ring Records token')
  t.match(again.text, 'which already has an account. In case you lost your token, here is a new one')
  t.match(again.text, 'Your other tokens still work.')
  t.match(again.text, `DELETE /v1/tokens/${context.token.id}`)
  t.match(visibleText(again.html), `DELETE /v1/tokens/${context.token.id}`)
})

t.test('signInLink: the one-time link and its lifetime in both parts, the address escaped', async (t) => {
  const context = {
    email: `grace${SCRIPT}@example.org`,
    link: { url: `https://records.example.org/login/rrs_${'B'.repeat(43)}`, expiresInMinutes: 15 },
  }
  const email = emails.signInLink(context)
  assertWellFormed(t, email)
  t.equal(email.subject, 'Sign in to Ring Records')
  t.match(email.text, context.link.url)
  t.match(email.text, 'within 15 minutes')
  t.match(email.html, `<a href="${context.link.url}"`)
  t.match(email.html, ESCAPED_SCRIPT)
  t.notMatch(email.html, SCRIPT)
  t.throws(() => emails.signInLink({ ...context, link: { ...context.link, url: 'javascript:alert(1)' } }), { message: /link\.url/ })
})
