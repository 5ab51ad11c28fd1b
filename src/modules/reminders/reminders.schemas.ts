import { z } from 'zod'
import { DELIVERY_RECIPIENTS, REMINDER_KINDS } from '../../db/schema/index.js'

export const reminderSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(REMINDER_KINDS),
    recipient: z.enum(DELIVERY_RECIPIENTS),
    sendAt: z.string(),
    status: z.enum(['scheduled', 'sent', 'cancelled', 'failed']),
    sentAt: z.string().nullable(),
    dueDate: z.string().nullable().describe('The due date the reminder is about'),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'Reminder' })
