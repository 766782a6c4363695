import { describe, expect, it } from 'vitest';
import { answerSubmit, arrivalsInSecond, busiestSecond, parseFault, type SmscFault } from './smsc-rules.js';

describe('answerSubmit', () => {
  const faults: SmscFault[] = [
    { to: '4930.*', kind: 'congestion', failures: 2 },
    { to: '49151.*', kind: 'receipt', stat: 'UNDELIV', err: 8 },
    { to: '49.*', kind: 'status', status: 0x0b },
  ];
  it.each([
    ['no fault matches', '15551234567', 0, { kind: 'accept', stat: 'DELIVRD', err: 0 }],
    ['a receipt fault', '4915112345678', 0, { kind: 'accept', stat: 'UNDELIV', err: 8 }],
    ['a status fault', '4989123456', 0, { kind: 'refuse', status: 0x0b }],
    ['congestion, first try', '493012345', 0, { kind: 'accept', stat: 'UNDELIV', err: 10 }],
    ['congestion, second try', '493012345', 1, { kind: 'accept', stat: 'UNDELIV', err: 10 }],
    ['congestion cleared', '493012345', 2, { kind: 'accept', stat: 'DELIVRD', err: 0 }],
  ] as const)('%s', (_, to, tries, answer) => {
    expect(answerSubmit(faults, to, tries)).toEqual(answer);
  });

  it('matches the whole recipient, not a part of it', () => {
    expect(answerSubmit([{ to: '49', kind: 'status', status: 8 }], '4915', 0).kind).toBe('accept');
  });
});

describe('sliding seconds', () => {
  it('counts arrivals of the last second', () => {
    expect(arrivalsInSecond([0, 100, 999, 1000, 1500], 1500)).toBe(3);
  });
  it.each([
    [[], 0],
    [[0, 999], 2],
    [[0, 1000], 1],
    [[0, 100, 200, 1100, 1150, 1199], 4],
  ])('busiest second of %j is %i', (arrivals, n) => {
    expect(busiestSecond(arrivals)).toBe(n);
  });
});

describe('parseFault', () => {
  it.each([
    ['49151.*=absent', { to: '49151.*', kind: 'receipt', stat: 'UNDELIV', err: 8 }],
    ['4917.*=memory', { to: '4917.*', kind: 'receipt', stat: 'UNDELIV', err: 13 }],
    ['4930.*=congestion:2', { to: '4930.*', kind: 'congestion', failures: 2 }],
    ['1555.*=status:11', { to: '1555.*', kind: 'status', status: 11 }],
    ['44.*=receipt:expired:0', { to: '44.*', kind: 'receipt', stat: 'EXPIRED', err: 0 }],
    ['a=b=absent', { to: 'a=b', kind: 'receipt', stat: 'UNDELIV', err: 8 }],
  ] as const)('%s', (spec, fault) => {
    expect(parseFault(spec)).toEqual(fault);
  });

  it.each(['absent', '=absent', '49.*=sleepy', '49.*=congestion', '49.*=status:x', '49.*=receipt:GONE:1'])('refuses %s', (spec) => {
    expect(parseFault(spec)).toBeUndefined();
  });
});
