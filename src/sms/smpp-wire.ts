/** SMPP 3.4 constants the connector and the simulator share: command statuses, esm_class bits, data codings, UDH. */
import type { SmsEncoding } from '../domain/sms/segments.js';
import { encodeGsm } from '../domain/sms/gsm-alphabet.js';

export const SMPP_STATUS = {
  ok: 0x00,
  invalidBindStatus: 0x04,
  systemError: 0x08,
  invalidSourceAddress: 0x0a,
  invalidDestinationAddress: 0x0b,
  bindFailed: 0x0d,
  invalidPassword: 0x0e,
  invalidSystemId: 0x0f,
  messageQueueFull: 0x14,
  submitFailed: 0x45,
  throttled: 0x58,
} as const;

/** esm_class bit an SMS centre sets on a deliver_sm that carries a delivery receipt. */
export const ESM_DELIVERY_RECEIPT = 0x04;
/** registered_delivery: a receipt on final delivery or failure. */
export const REGISTERED_DELIVERY_FINAL = 0x01;

export const DATA_CODING: Readonly<Record<SmsEncoding, number>> = { gsm7: 0x00, ucs2: 0x08 };

/** Type of number: international (numeric senders and recipients) or alphanumeric (text sender ids). */
export const TON = { international: 0x01, alphanumeric: 0x05 } as const;
export const NPI = { unknown: 0x00, isdn: 0x01 } as const;

/** One segment's bytes in its encoding: unpacked GSM septets or big-endian UTF-16. */
export function encodeSegment(text: string, encoding: SmsEncoding): Buffer {
  if (encoding === 'gsm7') return Buffer.from(encodeGsm(text));
  const bytes = Buffer.from(text, 'utf16le');
  return bytes.swap16();
}

/** The concatenation header (IEI 0x00, 8-bit reference) of segment `seq` (1-based) of `total`. */
export function concatenationHeader(reference: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, seq]);
}

export interface ConcatenationInfo {
  readonly reference: number;
  readonly total: number;
  readonly seq: number;
}

/** Reads the 8-bit concatenation element from a UDH as the smpp package splits it (one buffer per element). */
export function readConcatenation(elements: readonly Buffer[] | undefined): ConcatenationInfo | undefined {
  const element = elements?.find((e) => e[0] === 0x00 && e[1] === 0x03);
  if (element === undefined || element.length < 5) return undefined;
  return { reference: element[2]!, total: element[3]!, seq: element[4]! };
}
