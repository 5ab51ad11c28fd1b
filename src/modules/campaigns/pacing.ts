/**
 * Pacing of a campaign's letters by email: one every 60/perMinute seconds, so a small organization's
 * mail server (and the agencies' spam filters) see a steady trickle rather than a burst. The rate is
 * the service's, shared by every campaign: a campaign filed while another's letters are still
 * leaving queues behind them (or behind the last one sent, if it left less than a gap ago).
 */
/** The time between two letters at this rate. */
export function letterGapMs(perMinute: number): number {
  return 60_000 / perMinute
}

export function letterSendTimes(
  count: number,
  pacing: { requestedStart: Date; now: Date; lastQueued: Date | null; perMinute: number },
): Date[] {
  const gapMs = letterGapMs(pacing.perMinute)
  const start = Math.max(
    pacing.requestedStart.getTime(),
    pacing.now.getTime(),
    pacing.lastQueued ? pacing.lastQueued.getTime() + gapMs : Number.NEGATIVE_INFINITY,
  )
  return Array.from({ length: count }, (_, index) => new Date(Math.round(start + index * gapMs)))
}
