/** The delivery receipt a deliver_sm carries, read from its decoded short_message and its TLVs. */
import type { Pdu } from 'smpp';
import { readReceipt, type DeliveryReceipt } from '../domain/sms/receipt.js';
import { ESM_DELIVERY_RECEIPT } from './smpp-wire.js';

/** Undefined for an inbound SMS (no receipt bit in esm_class) and for a receipt nothing readable identifies. */
export function receiptOfDeliver(pdu: Pdu): DeliveryReceipt | undefined {
  if ((Number(pdu.esm_class ?? 0) & ESM_DELIVERY_RECEIPT) === 0) return undefined;
  const field = pdu.short_message as { readonly message?: unknown } | undefined;
  const text = typeof field?.message === 'string' ? field.message : Buffer.isBuffer(field?.message) ? field.message.toString('latin1') : '';
  const reading = readReceipt(text, {
    ...(typeof pdu.receipted_message_id === 'string' ? { receiptedMessageId: pdu.receipted_message_id } : {}),
    ...(typeof pdu.message_state === 'number' ? { messageState: pdu.message_state } : {}),
    ...(Buffer.isBuffer(pdu.network_error_code) ? { networkErrorCode: pdu.network_error_code } : {}),
  });
  return reading.kind === 'receipt' ? reading.receipt : undefined;
}
