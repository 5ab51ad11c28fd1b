import { and, eq, sql } from 'drizzle-orm'
import { type Executor, inUuids } from '../../db/client.js'
import { deliveries, messages } from '../../db/schema/index.js'
import type { DeliveryRow } from '../deliveries/deliveries.repository.js'
import { replyAddressOf } from '../requests/request-letters.js'
import type { RequestWithAgency } from '../requests/requests.repository.js'
import { normalizeLetterText } from '../templates/letter-renderer.js'
import { withReference } from './request-reference.js'

/**
 * The Message-ID (bare, without angle brackets) of the email a delivery sends: derived from the
 * delivery, so every attempt carries the same one, and recorded on the delivery's outbound message,
 * so a reply's In-Reply-To finds its request.
 */
export function deliveryMessageId(replyDomain: string, deliveryId: string): string {
  return `delivery-${deliveryId}@${replyDomain}`
}

/** The emails to the agency, as the thread names them: the letter, the requester's messages, and follow-up letters (every other agency delivery). */
export function outboundKindOf(delivery: Pick<DeliveryRow, 'kind' | 'recipient'>): 'letter' | 'message' | 'follow_up' | null {
  if (delivery.recipient !== 'agency') return null
  if (delivery.kind === 'letter' || delivery.kind === 'message') return delivery.kind
  return 'follow_up'
}

/**
 * Records the letters just queued for these submitted requests as the first message of each
 * thread (delivery scheduled), with the subject and Message-ID the email will carry.
 */
export async function recordLetterMessages(tx: Executor, replyDomain: string, submitted: readonly RequestWithAgency[]): Promise<void> {
  if (submitted.length === 0) return
  const letters = await tx
    .select({ id: deliveries.id, requestId: deliveries.requestId })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.kind, 'letter'),
        eq(deliveries.recipient, 'agency'),
        inUuids(
          deliveries.requestId,
          submitted.map(({ request }) => request.id),
        ),
      ),
    )
  const letterOf = new Map(letters.map((letter) => [letter.requestId, letter.id]))
  const rows = submitted.flatMap(({ request, agency }) => {
    const deliveryId = letterOf.get(request.id)
    if (!deliveryId) return []
    return [
      {
        request_id: request.id,
        from_address: replyAddressOf(replyDomain, request),
        to_addresses: agency.email ? [agency.email] : [],
        subject: withReference(request.subject, request.reference),
        text: normalizeLetterText(request.body),
        message_id: deliveryMessageId(replyDomain, deliveryId),
        delivery_id: deliveryId,
      },
    ]
  })
  if (rows.length === 0) return
  // One JSON parameter rather than one per value: a bulk submission records a thousand letters.
  await tx.execute(sql`
    insert into ${messages} (request_id, direction, kind, from_address, to_addresses, subject, text, message_id, delivery_id)
    select request_id, 'outbound', 'letter', from_address, to_addresses, subject, text, message_id, delivery_id
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as row(request_id uuid, from_address text, to_addresses jsonb, subject text, text text, message_id text, delivery_id uuid)
    on conflict do nothing`)
}
