import t from 'tap'
import { agencyDomains, suggestibleSender } from '../../../src/modules/agencies/contact-domain.js'

const listed = { email: 'records@spokanecity.org', portalUrl: 'https://www.spokane.nextrequest.com/requests/new' }

t.test('a sender of the listed email’s or portal’s domain is suggested', async (t) => {
  t.equal(suggestibleSender('clerk@spokanecity.org', listed, 'pass'), 'same-domain')
  t.equal(suggestibleSender('Clerk@Police.SpokaneCity.org', listed, 'none'), 'same-domain', 'a subdomain, any case')
  t.equal(suggestibleSender('noreply@spokane.nextrequest.com', listed, undefined), 'same-domain', 'the portal’s host')
  t.equal(
    suggestibleSender('a@spokanecity.org', { email: 'records@police.spokanecity.org', portalUrl: null }, 'pass'),
    'same-domain',
    'the parent of the listed domain',
  )
})

t.test('other domains, look-alikes, free mailboxes and failed DMARC are not', async (t) => {
  t.equal(suggestibleSender('clerk@evil-spokanecity.org', listed, 'pass'), null, 'a look-alike is not a subdomain')
  t.equal(suggestibleSender('clerk@spokanecity.org.evil.example', listed, 'pass'), null)
  t.equal(suggestibleSender('clerk@gmail.com', listed, 'pass'), null)
  t.equal(suggestibleSender('clerk@spokanecity.org', listed, 'fail'), null, 'DMARC failed: the sender may be forged')
  t.equal(suggestibleSender('records@spokanecity.org', listed, 'pass'), null, 'the listed address itself')
  t.equal(suggestibleSender('not-an-address', listed, 'pass'), null)
  t.equal(suggestibleSender('a@localhost', listed, 'pass'), null, 'a domain without a dot')
  t.equal(
    suggestibleSender('x@org', { email: 'records@spokanecity.org', portalUrl: null }, 'pass'),
    null,
    'a bare top-level domain never matches',
  )
})

t.test('an agency listing nothing has nothing to compare with; a free mailbox on file gives no domain', async (t) => {
  t.equal(suggestibleSender('clerk@anywhere.example', { email: null, portalUrl: null }, 'none'), 'no-domain-on-file')
  t.equal(suggestibleSender('clerk@gmail.com', { email: null, portalUrl: null }, 'pass'), 'no-domain-on-file')
  t.equal(suggestibleSender('other@gmail.com', { email: 'chief@gmail.com', portalUrl: null }, 'pass'), null)
  t.same(agencyDomains({ email: 'chief@gmail.com', portalUrl: 'not a url' }), [])
  t.same(agencyDomains(listed), ['spokanecity.org', 'spokane.nextrequest.com'])
})
