/** How an SMS is named where a WhatsApp message carries its wamid: its connector and the SMS centre's id of its first segment. */
export function smsMessageRef(connectorId: string, smscMessageId: string): string {
  return `${connectorId}:${smscMessageId}`;
}
