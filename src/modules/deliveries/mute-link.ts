/** The link in reminder emails: `/v1/requests/{id}/mute?token=…`. */
export function muteUrl(publicUrl: string, requestId: string, muteToken: string): string {
  return `${publicUrl}/v1/requests/${requestId}/mute?token=${muteToken}`
}
