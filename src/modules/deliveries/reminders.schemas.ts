import { z } from 'zod'
import { RECIPIENTS, REMINDER_KINDS } from './reminder-plan.js'

export const reminderSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(REMINDER_KINDS),
    recipient: z.enum(RECIPIENTS),
    sendAt: z.string(),
    status: z.enum(['scheduled', 'sent', 'cancelled', 'failed']),
    sentAt: z.string().nullable(),
    dueDate: z.string().nullable().describe('The due date the reminder is about'),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'Reminder' })
