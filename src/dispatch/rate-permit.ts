/**
 * Rate permits for sending: one pace per number (its configured msg/s, slowed for a while after Meta throttles it)
 * and one per number–recipient pair (Meta's pair rate). A job that gets no permit waits; it never fails for it.
 */
import { callCapOf, decideCall } from '../domain/call-window.js';
import { paceOf, takePermit, type Pace } from '../domain/gcra.js';

export interface RatePermitConfig {
  /**
   * Share of the configured rate actually used. Below 1 so that the rate is never exceeded in any one-second
   * window, even counting the burst and timer jitter between us and the upstream.
   */
  readonly headroom: number;
  /**
   * Share of the unused rate (1 − headroom) that may go as a burst after a pause. A burst lets the loop catch up when
   * it wakes late; keeping it inside the headroom keeps every one-second window at or under the configured rate.
   */
  readonly burstOfSlack: number;
  readonly pairIntervalMs: number;
  readonly pairBurst: number;
  /** After a throttling answer: the pace is multiplied by `slowFactor` for `slowForMs`. */
  readonly slowFactor: number;
  readonly slowForMs: number;
  /** Share of the configured rate that the calls themselves may reach in any one second (see CallWindows). */
  readonly callCapShare: number;
  /**
   * How much later than its neighbours a call may reach the upstream (event-loop and socket delays). The cap is held
   * over one second plus this, so calls bunched on their way still arrive at most `cap` in any one second.
   */
  readonly callTransitJitterMs: number;
}

/** The span over which a number's calls are capped: a second, widened by the transit jitter allowed for. */
export function callWindowMsOf(config: Pick<RatePermitConfig, 'callTransitJitterMs'>): number {
  return 1000 + config.callTransitJitterMs;
}

export const DEFAULT_RATE_PERMIT_CONFIG: RatePermitConfig = {
  headroom: 0.96,
  burstOfSlack: 0.35,
  pairIntervalMs: 6_000,
  pairBurst: 45,
  slowFactor: 0.5,
  slowForMs: 30_000,
  callCapShare: 0.99,
  callTransitJitterMs: 50,
};

/** A number's pace at `perSecond`, normal or slowed after a throttling answer: every implementation of the permits reads it here. */
export function numberPaceOf(perSecond: number, slowed: boolean, config: RatePermitConfig): Pace {
  const factor = slowed ? config.slowFactor : 1;
  const slack = perSecond * factor * (1 - config.headroom);
  // A burst of 2 wherever the slack allows it: with 1, every late wake-up loses the fraction of an interval.
  return paceOf(perSecond * config.headroom * factor, slack >= 2 ? Math.max(2, slack * config.burstOfSlack) : 1);
}

/** A refusal says whose pace refused: the recipient pair (other recipients may go) or the whole number. */
export type Permit = { readonly granted: true } | { readonly granted: false; readonly retryAt: number; readonly limitedBy: 'pair' | 'number' };

interface NumberPace {
  tat: number;
  slowUntil: number;
}

export class RatePermits {
  private readonly numbers = new Map<string, NumberPace>();
  private readonly pairs = new Map<string, number>();

  constructor(private readonly config: RatePermitConfig = DEFAULT_RATE_PERMIT_CONFIG) {}

  /** Takes both permits or neither, so a job refused by its pair does not use up the number's pace. */
  take(numberId: string, perSecond: number, recipient: string, now: number): Permit {
    const state = this.numbers.get(numberId) ?? { tat: 0, slowUntil: 0 };
    const pairKey = `${numberId}\u0000${recipient}`;
    const pair = takePermit({ intervalMs: this.config.pairIntervalMs, burst: this.config.pairBurst }, this.pairs.get(pairKey) ?? 0, now);
    if (!pair.granted) return { granted: false, retryAt: pair.retryAt, limitedBy: 'pair' };
    const number = takePermit(numberPaceOf(perSecond, now < state.slowUntil, this.config), state.tat, now);
    if (!number.granted) return { granted: false, retryAt: number.retryAt, limitedBy: 'number' };
    this.numbers.set(numberId, { ...state, tat: number.tat });
    this.pairs.set(pairKey, pair.tat);
    return { granted: true };
  }

  /** Meta said slow down: lower the number's pace for a while. */
  slowDown(numberId: string, now: number): void {
    const state = this.numbers.get(numberId) ?? { tat: now, slowUntil: 0 };
    this.numbers.set(numberId, { ...state, slowUntil: now + this.config.slowForMs });
  }

  isSlowed(numberId: string, now: number): boolean {
    return now < (this.numbers.get(numberId)?.slowUntil ?? 0);
  }

  /** Pair entries whose pace has fully recovered carry no information; drop them so memory stays flat. */
  prune(now: number): void {
    for (const [key, tat] of this.pairs) if (tat <= now) this.pairs.delete(key);
  }
}

/** Each number's latest call times: the hard cap checked when a call actually leaves (domain/call-window.ts). */
export class CallWindows {
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly config: RatePermitConfig = DEFAULT_RATE_PERMIT_CONFIG) {}

  /** Records the call and answers 0 when it may go now; otherwise the milliseconds to wait before asking again. */
  claim(numberId: string, perSecond: number, now: number): number {
    const recent = this.calls.get(numberId) ?? [];
    const cap = callCapOf(perSecond, this.config.callCapShare);
    const decision = decideCall(recent, cap, callWindowMsOf(this.config), now);
    if (decision.kind === 'wait') return decision.until - now;
    recent.push(now);
    if (recent.length > cap) recent.splice(0, recent.length - cap);
    this.calls.set(numberId, recent);
    return 0;
  }
}
