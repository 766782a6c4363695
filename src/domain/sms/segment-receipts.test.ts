import { describe, expect, it } from 'vitest';
import { findEntry } from '../../catalog/catalog.js';
import type { ReceiptOutcome } from './receipt.js';
import { messageOutcome } from './segment-receipts.js';

const delivered: ReceiptOutcome = { kind: 'delivered' };
const pending: ReceiptOutcome = { kind: 'pending' };
const absent: ReceiptOutcome = { kind: 'failed', entry: findEntry('sms', 8)! };
const full: ReceiptOutcome = { kind: 'failed', entry: findEntry('sms', 13)! };

describe('messageOutcome', () => {
  it.each([
    ['every segment delivered', [delivered, delivered, delivered], delivered],
    ['a segment still without a receipt', [delivered, undefined], pending],
    ['a segment on its way', [delivered, pending], pending],
    ['a failed segment, others delivered', [delivered, absent], absent],
    ['a failed segment, others unknown', [undefined, absent], absent],
    ['two failures: the first segment\u2019s names the cause', [full, absent], full],
    ['no segments known yet', [], pending],
  ] as const)('%s', (_, outcomes, expected) => {
    expect(messageOutcome(outcomes)).toEqual(expected);
  });
});
