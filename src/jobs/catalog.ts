import { z } from 'zod'

/** The only list of queues and jobs. Payloads carry ids; the database holds everything else. */
export const QUEUE_NAMES = { deliveries: 'deliveries', maintenance: 'maintenance' } as const

export const JOBS = {
  /** Wakes a worker at a delivery's send time; the handler claims the row and sends the email. */
  deliver: { queue: QUEUE_NAMES.deliveries, name: 'deliver', payload: z.object({ deliveryId: z.uuid() }) },
  /** Every few seconds: enqueue deliveries that are due, and ones whose worker died mid-send. */
  sweep: { queue: QUEUE_NAMES.maintenance, name: 'sweep-due-deliveries', payload: z.object({}) },
} as const

export const SWEEP_SCHEDULER_ID = 'sweep-due-deliveries'

/**
 * One job per delivery and send time: re-adding the same delivery for the same time is ignored by
 * BullMQ, and a rescheduled delivery gets a new job (the old one finds nothing to claim).
 */
export function deliverJobId(deliveryId: string, sendAt: Date): string {
  return `deliver-${deliveryId}-${sendAt.getTime()}`
}
