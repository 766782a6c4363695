import { describe, expect, it } from 'vitest';
import { decideNumberHold } from './number-hold.js';

describe('decideNumberHold', () => {
  it('holds a number until a time with its job due then, the account left connected', () => {
    expect(decideNumberHold(5_000, 1_000)).toEqual({ heldUntil: 5_000, paused: false, jobDueAt: 5_000, disconnectsAccount: false });
  });

  it('pauses a number until its token is replaced, its job due at once, and disconnects the account', () => {
    expect(decideNumberHold(null, 1_000)).toEqual({ heldUntil: null, paused: true, jobDueAt: 1_000, disconnectsAccount: true });
  });
});
