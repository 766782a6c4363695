import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGsm, encodeGsm } from './gsm-alphabet.js';
import { detectEncoding, segmentText, segmentWithin, smsPrice } from './segments.js';

const GSM_CHARS = [...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'];
const EXTENSION_CHARS = [...'\f^{}\\[~]|€'];
const gsmText = fc.array(fc.constantFrom(...GSM_CHARS, ...EXTENSION_CHARS), { maxLength: 700 }).map((cs) => cs.join(''));
const anyText = fc.string({ unit: 'grapheme', maxLength: 400 });

describe('detectEncoding', () => {
  it.each([
    ['plain ASCII letters', 'Hello world', 'gsm7'],
    ['the extension table', 'Price: 5€ [ok] {x} ~|^\\', 'gsm7'],
    ['GSM accented letters', 'Ça coûte', 'ucs2'], // û is not in the GSM alphabet
    ['GSM letters only', 'Àà ÄÖÜ äöü ñÑ é è', 'ucs2'], // À is not GSM (à is)
    ['Greek capitals of the table', 'ΔΦΓΛΩΠΨΣΘΞ', 'gsm7'],
    ['an emoji', 'ok 👍', 'ucs2'],
    ['Cyrillic', 'Привет', 'ucs2'],
    ['empty text', '', 'gsm7'],
  ] as const)('%s → %s', (_, text, encoding) => {
    expect(detectEncoding(text)).toBe(encoding);
  });
});

describe('segmentText', () => {
  it.each([
    ['160 GSM characters fit one segment', 'a'.repeat(160), 'gsm7', 1],
    ['161 GSM characters need two', 'a'.repeat(161), 'gsm7', 2],
    ['306 GSM characters need two (2 × 153)', 'a'.repeat(306), 'gsm7', 2],
    ['307 GSM characters need three', 'a'.repeat(307), 'gsm7', 3],
    ['80 euro signs are 160 septets: one segment', '€'.repeat(80), 'gsm7', 1],
    ['81 euro signs are 162 septets: two segments', '€'.repeat(81), 'gsm7', 2],
    ['70 UCS-2 characters fit one segment', 'ж'.repeat(70), 'ucs2', 1],
    ['71 UCS-2 characters need two', 'ж'.repeat(71), 'ucs2', 2],
    ['134 UCS-2 characters need two (2 × 67)', 'ж'.repeat(134), 'ucs2', 2],
    ['135 UCS-2 characters need three', 'ж'.repeat(135), 'ucs2', 3],
    ['35 emoji are 70 units: one segment', '😀'.repeat(35), 'ucs2', 1],
    ['36 emoji are 72 units: two segments', '😀'.repeat(36), 'ucs2', 2],
    ['empty text is one empty segment', '', 'gsm7', 1],
  ] as const)('%s', (_, text, encoding, count) => {
    const s = segmentText(text);
    expect(s.encoding).toBe(encoding);
    expect(s.segments).toHaveLength(count);
  });

  it('never splits an extension character: a segment ends one septet short instead', () => {
    const s = segmentText('a'.repeat(152) + '€' + 'b'.repeat(10));
    expect(s.segments[0]).toBe('a'.repeat(152));
    expect(s.segments[1]).toBe('€' + 'b'.repeat(10));
  });

  it('never splits a surrogate pair: a segment ends one unit short instead', () => {
    const s = segmentText('ж'.repeat(66) + '😀' + 'ж'.repeat(5));
    expect(s.segments[0]).toBe('ж'.repeat(66));
    expect(s.segments[1]).toBe('😀' + 'ж'.repeat(5));
  });

  it('reassembles every text from its segments, each within its room', () => {
    fc.assert(fc.property(fc.oneof(gsmText, anyText), (text) => {
      const { encoding, segments } = segmentText(text);
      expect(segments.join('')).toBe(text);
      const room = segments.length === 1 ? (encoding === 'gsm7' ? 160 : 70) : (encoding === 'gsm7' ? 153 : 67);
      for (const segment of segments) {
        const units = encoding === 'gsm7' ? encodeGsm(segment).length : segment.length;
        expect(units).toBeLessThanOrEqual(room);
      }
    }));
  });

  it('round-trips GSM text through the septet codec', () => {
    fc.assert(fc.property(gsmText, (text) => {
      expect(decodeGsm(encodeGsm(text))).toBe(text);
    }));
  });
});

describe('segmentWithin', () => {
  it('allows up to the configured segments', () => {
    expect(segmentWithin('a'.repeat(459), 3).kind).toBe('allow');
  });

  it('refuses one segment more with sms_too_many_segments', () => {
    const decision = segmentWithin('a'.repeat(460), 3);
    expect(decision.kind).toBe('refuse');
    if (decision.kind !== 'refuse') return;
    expect(decision.error.entry.code).toBe('sms_too_many_segments');
    expect(decision.error.extensions).toEqual({ segments: 4, max_segments: 3, encoding: 'gsm7' });
  });
});

describe('smsPrice', () => {
  it('bills each segment', () => {
    expect(smsPrice(segmentText('ж'.repeat(135)).segments.length, 7)).toBe(21);
  });
});
