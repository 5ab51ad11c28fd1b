import { z } from 'zod'

export const MAX_MESSAGE_TEXT_LENGTH = 20_000
export const MAX_MESSAGE_SUBJECT_LENGTH = 300
export const MAX_MESSAGE_DOCUMENTS = 10
/** What a message may attach in all: under the 25 MB most mail servers take once base64 has grown it by a third. */
export const MAX_MESSAGE_ATTACHMENT_BYTES = 15 * 1024 * 1024

// C0 and C1 controls but tab and line breaks (text), and none at all in a subject: a line break there would end the header.
const TEXT_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
const SUBJECT_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

export const sendMessageBody = z.strictObject({
  text: z
    .string()
    .max(MAX_MESSAGE_TEXT_LENGTH)
    .refine((text) => text.trim() !== '', 'must not be empty')
    .refine((text) => !TEXT_CONTROLS.test(text), 'must not contain control characters (tabs and line breaks are fine)')
    .describe('The message, plain text; sent as written'),
  subject: z
    .string()
    .max(MAX_MESSAGE_SUBJECT_LENGTH)
    .refine((subject) => subject.trim() !== '', 'must not be empty')
    .refine((subject) => !SUBJECT_CONTROLS.test(subject), 'must be one line without control characters')
    .optional()
    .describe('Defaults to "Re: " and the subject of the thread’s latest message; the request’s reference is added when missing'),
  documentIds: z
    .array(z.uuid())
    .max(MAX_MESSAGE_DOCUMENTS)
    .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, 'must not name a document twice')
    .optional()
    .describe(
      `Documents of this request to attach (ready ones, at most ${MAX_MESSAGE_DOCUMENTS}, ${MAX_MESSAGE_ATTACHMENT_BYTES / 1024 / 1024} MiB in all)`,
    ),
})

export type SendMessageInput = z.infer<typeof sendMessageBody>
