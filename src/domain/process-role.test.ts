/** The roles' duties and start rule, as tables. */
import { describe, expect, it } from 'vitest';
import { backgroundInChild, checkRole, dutiesOf, isProcessRole, type BackgroundPlacement, type ProcessRole } from './process-role.js';

describe('dutiesOf', () => {
  it.each([
    ['api', { api: true, background: false }],
    ['worker', { api: false, background: true }],
    ['all', { api: true, background: true }],
  ] as const)('%s runs %o', (role, duties) => {
    expect(dutiesOf(role)).toEqual(duties);
  });
});

describe('checkRole', () => {
  const shared = { storeSharedAcrossProcesses: true, upstreamConfigured: true };
  it.each<[ProcessRole, typeof shared, RegExp | undefined]>([
    ['all', { storeSharedAcrossProcesses: false, upstreamConfigured: false }, undefined],
    ['api', shared, undefined],
    ['worker', shared, undefined],
    ['api', { ...shared, storeSharedAcrossProcesses: false }, /role "api" needs a store shared across processes.*SQLite/],
    ['worker', { ...shared, storeSharedAcrossProcesses: false }, /role "worker" needs a store shared across processes/],
    ['worker', { ...shared, upstreamConfigured: false }, /role "worker" needs SWITCHBOARD_UPSTREAM_URL/],
    ['api', { ...shared, upstreamConfigured: false }, /role "api" needs SWITCHBOARD_UPSTREAM_URL/],
  ])('%s with %o', (role, facts, refusal) => {
    const decision = checkRole(role, facts);
    if (refusal === undefined) expect(decision).toEqual({ kind: 'start' });
    else expect(decision).toMatchObject({ kind: 'refuse', reason: expect.stringMatching(refusal) });
  });
});

it('knows the roles and nothing else', () => {
  expect(['api', 'worker', 'all'].every(isProcessRole)).toBe(true);
  expect(isProcessRole('API')).toBe(false);
  expect(isProcessRole('dispatch')).toBe(false);
});

describe('backgroundInChild', () => {
  it.each([
    ['all', 'process', true],
    ['all', 'inline', false],
    ['api', 'process', false],
    ['worker', 'process', false],
  ] as const)('role %s, placement %s: child %s', (role: ProcessRole, placement: BackgroundPlacement, child) => {
    expect(backgroundInChild(role, placement)).toBe(child);
  });
});
