/**
 * Delivery receipts: the text an SMS centre puts in a deliver_sm (`id:… sub:… dlvrd:… submit date:… done date:…
 * stat:… err:… text:…`) and what it means for the message: delivered, still on its way, or failed with the catalog
 * entry of its reason code (the `sms` namespace carries the reason codes 1-13; the stat decides when the code is not one).
 */
import { findEntry, gatewayEntry } from '../../catalog/catalog.js';
import type { CatalogEntry } from '../../catalog/entry.js';

export const RECEIPT_STATS = ['DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'ENROUTE'] as const;
export type ReceiptStat = (typeof RECEIPT_STATS)[number];

export interface DeliveryReceipt {
  /** The message id the SMS centre answered the submit with. */
  readonly messageId: string;
  readonly stat: ReceiptStat;
  /** The network error code, read as a decimal number (`err:008` = 8); null when absent or not a number. */
  readonly err: number | null;
  readonly submitted: number;
  readonly delivered: number;
  readonly submitDate: string | null;
  readonly doneDate: string | null;
  readonly text: string;
}

export type ReceiptReading = { readonly kind: 'receipt'; readonly receipt: DeliveryReceipt } | { readonly kind: 'not-a-receipt'; readonly reason: string };

export type ReceiptOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'failed'; readonly entry: CatalogEntry };

// Keys may hold spaces ("submit date"), so the text is cut at each known key rather than at spaces.
const FIELD = /(id|sub|dlvrd|submit date|done date|stat|err|text):/gi;

function fieldsOf(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const marks = [...text.matchAll(FIELD)];
  marks.forEach((mark, i) => {
    const key = mark[1]!.toLowerCase();
    const start = mark.index + mark[0].length;
    const end = key === 'text' ? text.length : (marks[i + 1]?.index ?? text.length);
    if (!fields.has(key)) fields.set(key, text.slice(start, end).trim());
  });
  return fields;
}

function count(value: string | undefined): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

function isStat(value: string): value is ReceiptStat {
  return (RECEIPT_STATS as readonly string[]).includes(value);
}

export function parseReceipt(text: string): ReceiptReading {
  const fields = fieldsOf(text);
  const messageId = fields.get('id');
  const stat = fields.get('stat')?.toUpperCase();
  if (messageId === undefined || messageId === '') return { kind: 'not-a-receipt', reason: 'no id field' };
  if (stat === undefined || !isStat(stat)) return { kind: 'not-a-receipt', reason: `unknown stat ${stat ?? '(none)'}` };
  const errText = fields.get('err');
  const err = errText !== undefined && /^\d+$/.test(errText) ? Number.parseInt(errText, 10) : null;
  return {
    kind: 'receipt',
    receipt: {
      messageId, stat, err,
      submitted: count(fields.get('sub')), delivered: count(fields.get('dlvrd')),
      submitDate: fields.get('submit date') ?? null, doneDate: fields.get('done date') ?? null,
      text: fields.get('text') ?? '',
    },
  };
}

/** SMPP's message_state values (the TLV some centres send instead of, or beside, the receipt text). */
export const MESSAGE_STATE_STATS: Readonly<Record<number, ReceiptStat>> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD',
};

/** What a deliver_sm's TLVs say, for the receipt text to be completed or replaced by. */
export interface ReceiptTlvs {
  readonly receiptedMessageId?: string;
  readonly messageState?: number;
  /** network_error_code: one byte of network type, then the error code (two bytes, big-endian). */
  readonly networkErrorCode?: Uint8Array;
}

/**
 * Reads a receipt from its text and TLVs: the receipted_message_id TLV names the message when present (it is the
 * id the submit was answered with, where the text's id may be written in another base); without a readable text,
 * message_state and network_error_code stand in for stat and err.
 */
export function readReceipt(text: string, tlvs: ReceiptTlvs): ReceiptReading {
  const reading = parseReceipt(text);
  const tlvId = tlvs.receiptedMessageId === undefined || tlvs.receiptedMessageId === '' ? undefined : tlvs.receiptedMessageId;
  if (reading.kind === 'receipt') return tlvId === undefined ? reading : { kind: 'receipt', receipt: { ...reading.receipt, messageId: tlvId } };
  const stat = tlvs.messageState === undefined ? undefined : MESSAGE_STATE_STATS[tlvs.messageState];
  if (tlvId === undefined || stat === undefined) return reading;
  const code = tlvs.networkErrorCode;
  const err = code !== undefined && code.length >= 3 ? (code[1]! << 8) | code[2]! : null;
  return {
    kind: 'receipt',
    receipt: { messageId: tlvId, stat, err, submitted: 1, delivered: stat === 'DELIVRD' ? 1 : 0, submitDate: null, doneDate: null, text: '' },
  };
}

/** Reason codes the catalog's `sms` namespace names as failures (0 is "no failure", 201 is about WhatsApp templates). */
function reasonEntry(err: number | null): CatalogEntry | undefined {
  if (err === null || err < 1 || err > 13) return undefined;
  return findEntry('sms', err);
}

function statEntry(stat: ReceiptStat): CatalogEntry {
  if (stat === 'EXPIRED') return gatewayEntry('sms_validity_expired');
  if (stat === 'REJECTD') return gatewayEntry('sms_rejected');
  // UNDELIV, DELETED, UNKNOWN without a known reason: the carrier did not say why.
  return findEntry('sms', 4)!;
}

export function receiptOutcome(receipt: DeliveryReceipt): ReceiptOutcome {
  if (receipt.stat === 'DELIVRD') return { kind: 'delivered' };
  if (receipt.stat === 'ENROUTE' || receipt.stat === 'ACCEPTD') return { kind: 'pending' };
  return { kind: 'failed', entry: reasonEntry(receipt.err) ?? statEntry(receipt.stat) };
}

/** The receipt text an SMS centre writes (the simulator's side): the same fields `parseReceipt` reads. */
export function formatReceipt(r: Omit<DeliveryReceipt, 'text'> & { readonly text?: string }): string {
  const err = String(r.err ?? 0).padStart(3, '0');
  const pad3 = (n: number) => String(n).padStart(3, '0');
  return `id:${r.messageId} sub:${pad3(r.submitted)} dlvrd:${pad3(r.delivered)} submit date:${r.submitDate ?? ''} done date:${r.doneDate ?? ''} stat:${r.stat} err:${err} text:${(r.text ?? '').slice(0, 20)}`;
}
