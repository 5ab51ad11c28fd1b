import { z } from 'zod'

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    mailingAddress: z.string().nullable(),
    role: z.enum(['admin', 'member']),
    remindersMuted: z.boolean().describe('No reminder emails for any of the user’s requests'),
  })
  .meta({ id: 'User' })

export const signUpBody = z.object({
  email: z
    .email()
    .max(254)
    .transform((email) => email.trim()),
  name: z.string().trim().min(1).max(200),
  mailingAddress: z.string().trim().max(1000).nullish(),
})

export const updateMeBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    mailingAddress: z.string().trim().max(1000).nullable().optional(),
    remindersMuted: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field')

export const signUpResponse = z.object({ user: userSchema, token: z.string() })
export const signUpPendingResponse = z
  .object({ status: z.literal('pending'), detail: z.string() })
  .describe('A public sign-up once the server has users: the token goes by email, whether or not the address already had an account')
export const tokenResponse = z.object({ id: z.uuid(), token: z.string() })
export const tokenParams = z.object({ id: z.uuid() })
