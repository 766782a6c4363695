import { describe, expect, it } from 'vitest';
import { decideEventTime, EVENT_TIME_FUTURE_SKEW_MS, EVENT_TIME_MAX_AGE_MS } from './event-time.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const seconds = (ms: number) => String(ms / 1000);

describe('decideEventTime', () => {
  it.each([
    ['a recent time', seconds(now - 60_000), { kind: 'claimed', at: now - 60_000 }],
    ['a number of seconds', (now - 60_000) / 1000, { kind: 'claimed', at: now - 60_000 }],
    ['the edge of the tolerated future', seconds(now + EVENT_TIME_FUTURE_SKEW_MS), { kind: 'claimed', at: now + EVENT_TIME_FUTURE_SKEW_MS }],
    ['the edge of the tolerated past', seconds(now - EVENT_TIME_MAX_AGE_MS), { kind: 'claimed', at: now - EVENT_TIME_MAX_AGE_MS }],
    ['beyond the tolerated future', seconds(now + EVENT_TIME_FUTURE_SKEW_MS + 1000), { kind: 'received', at: now }],
    ['the year 5138', '99999999999999', { kind: 'received', at: now }],
    ['beyond the tolerated past', seconds(now - EVENT_TIME_MAX_AGE_MS - 1000), { kind: 'received', at: now }],
    ['zero', '0', { kind: 'received', at: now }],
    ['not a number', 'soon', { kind: 'received', at: now }],
    ['an empty string', '', { kind: 'received', at: now }],
    ['infinity', '1e999', { kind: 'received', at: now }],
    ['absent', undefined, { kind: 'received', at: now }],
  ])('%s', (_what, claimed, expected) => {
    expect(decideEventTime(claimed, now)).toMatchObject(expected);
  });
});
