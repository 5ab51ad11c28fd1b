import t from 'tap'
import {
  oneLineSubject,
  parseRequestReference,
  replySubject,
  withReference,
} from '../../../src/modules/correspondence/request-reference.js'

t.test('a subject names a reference however a clerk or a mail client wrote it', async (t) => {
  t.equal(parseRequestReference('Public records request: Ring partnership records [RR-8F3K2Q]'), 'RR-8F3K2Q')
  t.equal(parseRequestReference('RE: RE: Public records request [RR-8F3K2Q]'), 'RR-8F3K2Q')
  t.equal(parseRequestReference('Your request rr-8f3k2q is ready'), 'RR-8F3K2Q', 'any case')
  t.equal(parseRequestReference('About RR-8F3KZO and more'), 'RR-8F3KZ0', 'O reads as 0 (Crockford)')
  t.equal(parseRequestReference('About RR-8F3KIL'), 'RR-8F3K11', 'I and L read as 1')
  t.equal(parseRequestReference('[RR-8F3K2] five characters'), 'RR-8F3K2')
  t.equal(parseRequestReference('(RR-8F3K2Q)'), 'RR-8F3K2Q')
  t.equal(parseRequestReference('RR-8F3K2Q and again [RR-8f3k2q]'), 'RR-8F3K2Q', 'the same one twice')
})

t.test('what is not a reference, or two different ones, names none', async (t) => {
  t.equal(parseRequestReference('Public records request'), null)
  t.equal(parseRequestReference(''), null)
  t.equal(parseRequestReference('RR-8F3K'), null, 'too short')
  t.equal(parseRequestReference('RR-8F3K2Q9Z1'), null, 'too long')
  t.equal(parseRequestReference('XRR-8F3K2Q'), null, 'part of a longer word')
  t.equal(parseRequestReference('RR-8F3K2Q-2'), null, 'followed by a hyphen')
  t.equal(parseRequestReference('RR-8F3KUU'), null, 'U is not Crockford base32')
  t.equal(parseRequestReference('[RR-8F3K2Q] [RR-AAAAAA]'), null, 'two requests: ambiguous')
})

t.test('the reference goes at the end of a subject once', async (t) => {
  t.equal(withReference('Public records request', 'RR-8F3K2Q'), 'Public records request [RR-8F3K2Q]')
  t.equal(withReference('Public records request [RR-8F3K2Q]', 'RR-8F3K2Q'), 'Public records request [RR-8F3K2Q]')
  t.equal(withReference('Re: about rr-8f3k2q', 'RR-8F3K2Q'), 'Re: about rr-8f3k2q', 'already named, in any spelling')
  t.equal(withReference('Mentions [RR-AAAAAA]', 'RR-8F3K2Q'), 'Mentions [RR-AAAAAA] [RR-8F3K2Q]', "another request's reference is not ours")
  t.equal(withReference('Line one\r\nBcc: victim@example.org', 'RR-8F3K2Q'), 'Line one Bcc: victim@example.org [RR-8F3K2Q]')
  t.equal(withReference('', 'RR-8F3K2Q'), '[RR-8F3K2Q]')
})

t.test('an answer is "Re: " once, and a subject one line', async (t) => {
  t.equal(replySubject('Public records request [RR-8F3K2Q]'), 'Re: Public records request [RR-8F3K2Q]')
  t.equal(replySubject('RE: Re: AW: Public records request'), 'Re: Public records request')
  t.equal(replySubject('Re[2]: Fee estimate'), 'Re: Fee estimate')
  t.equal(replySubject('Fwd: Fee estimate'), 'Re: Fwd: Fee estimate')
  t.equal(oneLineSubject('  a\tb\n\nc\u2028d\u0000e  '), 'a b c d e')
})
