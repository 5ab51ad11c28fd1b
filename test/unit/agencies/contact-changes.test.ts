import t from 'tap'
import { applySuggestion, contactChanges } from '../../../src/modules/agencies/contact-changes.js'

const current = { email: 'old@city.example', portalUrl: null, mailingAddress: '1 Main St', phone: null }

t.test('a suggestion changes only the fields it names', async (t) => {
  const next = applySuggestion(current, { email: 'records@city.example', portalUrl: null, phone: '555-0100' })
  t.same(next, { email: 'records@city.example', portalUrl: null, mailingAddress: '1 Main St', phone: '555-0100' })
  t.same(applySuggestion(current, {}), current, 'nothing named, nothing changed')
})

t.test('changes list each differing field with its old and new value', async (t) => {
  const next = { ...current, email: 'records@city.example', mailingAddress: null }
  t.same(contactChanges(current, next), [
    { field: 'email', oldValue: 'old@city.example', newValue: 'records@city.example' },
    { field: 'mailingAddress', oldValue: '1 Main St', newValue: null },
  ])
  t.same(contactChanges(current, { ...current }), [], 'the same values are no change')
})
