/**
 * How a text travels as SMS: GSM-7 when every character is in the GSM alphabet, else UCS-2; and how it splits into
 * segments. One segment holds 160 septets (GSM-7) or 70 UTF-16 units (UCS-2); a concatenated message gives 7 septets
 * or 3 units of each segment to its header (UDH), leaving 153 and 67. An extension character (two septets) and a
 * surrogate pair (two units) are never split across segments, so a segment may end a little short.
 */
import { gatewayError } from '../../catalog/switchboard-error.js';
import { refuse, type Refusal } from '../decision.js';
import { gsmSeptets } from './gsm-alphabet.js';

export const SMS_ENCODINGS = ['gsm7', 'ucs2'] as const;
export type SmsEncoding = (typeof SMS_ENCODINGS)[number];

const CAPACITY: Readonly<Record<SmsEncoding, { readonly single: number; readonly concatenated: number }>> = {
  gsm7: { single: 160, concatenated: 153 },
  ucs2: { single: 70, concatenated: 67 },
};

export interface SmsSegmentation {
  readonly encoding: SmsEncoding;
  /** The text of each segment; joined they are the whole text. */
  readonly segments: readonly string[];
}

export type SegmentDecision =
  | { readonly kind: 'allow'; readonly segmentation: SmsSegmentation }
  | Refusal;

export function detectEncoding(text: string): SmsEncoding {
  for (const ch of text) if (gsmSeptets(ch) === undefined) return 'ucs2';
  return 'gsm7';
}

/** The room a character takes in its encoding: septets for GSM-7, UTF-16 units for UCS-2 (2 for a surrogate pair). */
function unitsOf(ch: string, encoding: SmsEncoding): number {
  return encoding === 'gsm7' ? (gsmSeptets(ch) ?? 1) : ch.length;
}

function lengthIn(chars: readonly string[], encoding: SmsEncoding): number {
  return chars.reduce((sum, ch) => sum + unitsOf(ch, encoding), 0);
}

function split(chars: readonly string[], encoding: SmsEncoding, room: number): string[] {
  const segments: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of chars) {
    const units = unitsOf(ch, encoding);
    if (used + units > room) {
      segments.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += units;
  }
  if (current !== '' || segments.length === 0) segments.push(current);
  return segments;
}

/** The encoding and segments of `text`, without any limit on their number. */
export function segmentText(text: string): SmsSegmentation {
  const encoding = detectEncoding(text);
  const chars = [...text];
  const { single, concatenated } = CAPACITY[encoding];
  const segments = lengthIn(chars, encoding) <= single ? [text] : split(chars, encoding, concatenated);
  return { encoding, segments };
}

/** Segments `text`, refusing it when it needs more than `maxSegments` segments. */
export function segmentWithin(text: string, maxSegments: number): SegmentDecision {
  const segmentation = segmentText(text);
  if (segmentation.segments.length <= maxSegments) return { kind: 'allow', segmentation };
  const count = segmentation.segments.length;
  return refuse(gatewayError('sms_too_many_segments', {
    detail: `The text needs ${count} ${segmentation.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2'} segments; at most ${maxSegments} are sent.`,
    field: 'text',
    extensions: { segments: count, max_segments: maxSegments, encoding: segmentation.encoding },
  }));
}

/** What an SMS costs: each segment is billed as one message. */
export function smsPrice(segmentCount: number, pricePerSegment: number): number {
  return segmentCount * pricePerSegment;
}
