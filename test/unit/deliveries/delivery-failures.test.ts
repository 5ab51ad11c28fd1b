import t from 'tap'
import { MailDeliveryError } from '../../../src/adapters/mailer/mailer.js'
import { InvalidInputError, QuotaExceededError, RuleViolationError, UnavailableError } from '../../../src/errors.js'
import { isTemporaryFailure } from '../../../src/modules/deliveries/deliveries.service.js'
import { EmailRenderError } from '../../../src/modules/templates/email-templates.js'
import { LetterRenderError } from '../../../src/modules/templates/letter-renderer.js'

t.test('what is retried and what fails at once', async (t) => {
  t.equal(isTemporaryFailure(new MailDeliveryError('451 4.7.1 Greylisted', true, 451)), true, 'a 4xx answer')
  t.equal(isTemporaryFailure(new MailDeliveryError('550 5.1.1 No such mailbox', false, 550)), false, 'a 5xx answer')
  t.equal(isTemporaryFailure(Object.assign(new Error('terminating connection'), { code: '57P01' })), true, 'the database went away')
  t.equal(isTemporaryFailure(new Error('socket hang up')), true, 'an unknown fault')
  t.equal(isTemporaryFailure(new EmailRenderError('reminder-overdue', 'body: undefined variable')), false, 'an email template fault')
  t.equal(isTemporaryFailure(new LetterRenderError('follow-up', 'undefined variable')), false, 'a letter template fault')
  t.equal(isTemporaryFailure(new InvalidInputError('Some template variables are invalid.')), false, 'a rule refusing the input')
  t.equal(isTemporaryFailure(new RuleViolationError('The request has no due date any more.')), false, 'a domain rule')
  t.equal(isTemporaryFailure(new UnavailableError('ocr-unavailable', 'later')), true, 'a dependency away')
  t.equal(isTemporaryFailure(new QuotaExceededError('spent for today', 3600)), true, 'an allowance that refills')
})
