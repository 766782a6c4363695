/** Tables of the waits upstreams state: Retry-After headers and 360dialog's prose durations. */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, parseWaitText } from './retry-after.js';

const NOW = Date.UTC(2026, 10, 24, 21, 0, 0);

describe('parseWaitText', () => {
  it.each([
    ['Please wait 1 hour(s) 38 minute(s) before trying again', 5880],
    ['Please wait 45 second(s) before trying again', 45],
    ['Please wait 2 hour(s) before trying again', 7200],
    ['wait 1 hour(s) 5 second(s)', 3605],
    ['10 minutes 30 seconds', 630],
    ['2h 5m 10s', 7510],
    ['1 day', 86_400],
    ['You have exceeded the limit of 1 request every 5 seconds. Try again later.', 5],
    ['You have exceeded the limit of 1 request every * seconds. Try again later.', undefined],
    ['Error verifying the number', undefined],
  ])('%s → %s', (text, seconds) => {
    expect(parseWaitText(text)).toBe(seconds);
  });
});

describe('parseRetryAfter', () => {
  const noClock = (): number => {
    throw new Error('the clock must not be read for delay-seconds');
  };

  it.each([
    ['120', 120],
    [' 7 ', 7],
    ['0', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %s', (value, seconds) => {
    expect(parseRetryAfter(value, noClock)).toBe(seconds);
  });

  it.each([
    [new Date(NOW + 90_000).toUTCString(), 90],
    ['Tue, 24 Nov 2026 21:00:01 GMT', 1],
    ['Tue, 24 Nov 2026 20:00:00 GMT', 0],
  ])('%s → %s', (value, seconds) => {
    expect(parseRetryAfter(value, () => NOW)).toBe(seconds);
  });
});
