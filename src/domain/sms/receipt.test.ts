import { describe, expect, it } from 'vitest';
import { formatReceipt, parseReceipt, readReceipt, receiptOutcome, type DeliveryReceipt } from './receipt.js';

const text = 'id:0123456789 sub:001 dlvrd:001 submit date:2612051200 done date:2612051201 stat:DELIVRD err:000 text:Hello there';

function receipt(stat: DeliveryReceipt['stat'], err: number | null): DeliveryReceipt {
  return { messageId: 'm1', stat, err, submitted: 1, delivered: 0, submitDate: null, doneDate: null, text: '' };
}

describe('parseReceipt', () => {
  it('reads every field, including keys with spaces and a text with colons', () => {
    expect(parseReceipt(text + ': ok')).toEqual({
      kind: 'receipt',
      receipt: {
        messageId: '0123456789', stat: 'DELIVRD', err: 0, submitted: 1, delivered: 1,
        submitDate: '2612051200', doneDate: '2612051201', text: 'Hello there: ok',
      },
    });
  });

  it('reads err as a decimal number and tolerates lower case and a missing text', () => {
    const r = parseReceipt('id:abc sub:001 dlvrd:000 submit date:2612051200 done date:2612051201 stat:undeliv err:008');
    expect(r.kind === 'receipt' && [r.receipt.stat, r.receipt.err, r.receipt.text]).toEqual(['UNDELIV', 8, '']);
  });

  it.each([
    ['no id', 'stat:DELIVRD err:000'],
    ['an unknown stat', 'id:1 stat:GONE err:000'],
    ['an ordinary message', 'Hello, how are you?'],
  ])('%s is not a receipt', (_, t) => {
    expect(parseReceipt(t).kind).toBe('not-a-receipt');
  });

  it('reads back what formatReceipt writes', () => {
    const r = parseReceipt(formatReceipt({ ...receipt('UNDELIV', 13), text: 'Hi' }));
    expect(r.kind === 'receipt' && r.receipt).toEqual({ ...receipt('UNDELIV', 13), submitDate: '', doneDate: '', text: 'Hi' });
  });
});

describe('receiptOutcome', () => {
  it.each([
    [1, 'transient'], [2, 'transient'], [3, 'fix-request'], [4, 'transient'], [5, 'permanent'], [6, 'permanent'],
    [7, 'permanent'], [8, 'transient'], [9, 'transient'], [10, 'transient'], [11, 'transient'], [12, 'permanent'], [13, 'transient'],
  ] as const)('reason code %i fails with the sms entry of that code (%s)', (err, retry) => {
    const outcome = receiptOutcome(receipt('UNDELIV', err));
    expect(outcome.kind === 'failed' && [outcome.entry.namespace, outcome.entry.code, outcome.entry.retry.class]).toEqual(['sms', err, retry]);
  });

  it('congestion waits 60 s before a retry', () => {
    const outcome = receiptOutcome(receipt('UNDELIV', 10));
    expect(outcome.kind === 'failed' && outcome.entry.retry).toEqual({ class: 'transient', delaySeconds: 60 });
  });

  it.each([
    ['DELIVRD', 0, 'delivered'],
    ['ENROUTE', 0, 'pending'],
    ['ACCEPTD', 0, 'pending'],
    ['EXPIRED', 0, 'sms_validity_expired'],
    ['REJECTD', 0, 'sms_rejected'],
    ['UNDELIV', 0, 4],
    ['UNDELIV', 999, 4],
    ['UNKNOWN', null, 4],
    ['EXPIRED', 8, 8],
  ] as const)('stat %s with err %s → %s', (stat, err, expected) => {
    const outcome = receiptOutcome(receipt(stat, err));
    expect(outcome.kind === 'failed' ? outcome.entry.code : outcome.kind).toBe(expected);
  });
});

describe('readReceipt', () => {
  it('prefers the receipted_message_id TLV to the text\u2019s id', () => {
    const r = readReceipt(text, { receiptedMessageId: 'smsc42', messageState: 2 });
    expect(r.kind === 'receipt' && [r.receipt.messageId, r.receipt.stat]).toEqual(['smsc42', 'DELIVRD']);
  });

  it('reads stat and err from message_state and network_error_code when the text is not a receipt', () => {
    const r = readReceipt('', { receiptedMessageId: 'smsc7', messageState: 5, networkErrorCode: Uint8Array.from([3, 0, 13]) });
    expect(r.kind === 'receipt' && r.receipt).toMatchObject({ messageId: 'smsc7', stat: 'UNDELIV', err: 13 });
  });

  it.each([
    ['no TLVs', {}],
    ['a state without an id', { messageState: 2 }],
    ['an id with an unknown state', { receiptedMessageId: 'x', messageState: 9 }],
  ])('is not a receipt with %s and no text', (_, tlvs) => {
    expect(readReceipt('hello', tlvs).kind).toBe('not-a-receipt');
  });
});
