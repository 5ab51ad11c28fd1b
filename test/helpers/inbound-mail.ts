// Raw messages for the inbound tests, composed by nodemailer as a mail client would send them.
import type { FastifyInstance } from 'fastify'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import type Mail from 'nodemailer/lib/mailer/index.js'

/** The raw RFC 5322 bytes of a message. */
export function composeMail(options: Mail.Options): Promise<Buffer> {
  return new MailComposer(options).compile().build()
}

/** Posts a raw message to the HTTP door. */
export function postRaw(app: FastifyInstance, raw: Buffer | string, token: string | null, contentType = 'message/rfc822') {
  return app.inject({
    method: 'POST',
    url: '/v1/inbound/messages',
    headers: { 'content-type': contentType, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    payload: raw,
  })
}
