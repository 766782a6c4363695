/**
 * Back-pressure on accept: once more work waits across the gateway than it is configured to hold, new sends are refused
 * (503 `gateway_overloaded`) instead of piling up behind it, so accepting never starves dispatch and a send's answer
 * stays fast under any offered load. The refusal says how long the backlog should take to fall back under its bound.
 */
import { gatewayError, type SwitchboardError } from '../catalog/switchboard-error.js';

/** The two backlogs that bound accepting: jobs due for dispatch, and customer webhook deliveries pending. */
export type BacklogKind = 'dispatch' | 'webhooks';

export interface BacklogFigure {
  readonly kind: BacklogKind;
  /** What waits now, as far as this process knows it. */
  readonly waiting: number;
  /** Most that may wait before sends are refused; 0 = no bound. */
  readonly bound: number;
  /** How fast it went down lately, per second; null when not measured yet. */
  readonly drainPerSecond: number | null;
}

export type SendAdmission =
  | { readonly kind: 'admit' }
  | { readonly kind: 'refuse'; readonly backlog: BacklogKind; readonly error: SwitchboardError };

const ADMIT: SendAdmission = { kind: 'admit' };

/** A client told to wait less than a second would only ask again at once; one told to wait longer may give up. */
export const RETRY_AFTER_BOUNDS = { minSeconds: 1, maxSeconds: 30 } as const;
/** Without a drain rate to go by: long enough for a few rounds of dispatch, short enough not to idle a recovered gateway. */
export const UNKNOWN_DRAIN_RETRY_SECONDS = 5;

const DESCRIBED: Record<BacklogKind, string> = {
  dispatch: 'messages are waiting to be dispatched',
  webhooks: 'deliveries are waiting for customer webhook endpoints',
};

/** Seconds until the figure is expected back under its bound: the excess over the recent drain rate, clamped. */
function secondsToDrain(figure: BacklogFigure): number {
  const excess = figure.waiting - figure.bound + 1;
  if (figure.drainPerSecond === null) return UNKNOWN_DRAIN_RETRY_SECONDS;
  if (figure.drainPerSecond <= 0) return RETRY_AFTER_BOUNDS.maxSeconds;
  const seconds = Math.ceil(excess / figure.drainPerSecond);
  return Math.min(RETRY_AFTER_BOUNDS.maxSeconds, Math.max(RETRY_AFTER_BOUNDS.minSeconds, seconds));
}

function isOver(figure: BacklogFigure): boolean {
  return figure.bound > 0 && figure.waiting >= figure.bound;
}

/** Admits a send while every bounded figure is under its bound; otherwise refuses with the longest wait among those over. */
export function admitSend(figures: readonly BacklogFigure[]): SendAdmission {
  const over = figures.filter(isOver);
  if (over.length === 0) return ADMIT;
  const waits = over.map((figure) => ({ figure, seconds: secondsToDrain(figure) }));
  const longest = waits.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const { figure, seconds } = longest;
  return {
    kind: 'refuse',
    backlog: figure.kind,
    error: gatewayError('gateway_overloaded', {
      detail: `About ${figure.waiting} ${DESCRIBED[figure.kind]} across the gateway (the bound is ${figure.bound}); send again in ${seconds} s.`,
      retryAfterSeconds: seconds,
    }),
  };
}

/** Two counts of one backlog: `added` is what joined it between them, so the drain is what left it. */
export interface DrainSample {
  readonly previous: { readonly at: number; readonly waiting: number };
  readonly current: { readonly at: number; readonly waiting: number };
  readonly added: number;
}

/** Weight of the newest sample: a few samples (about a second) make the rate, so one burst does not swing it. */
const DRAIN_SMOOTHING = 0.3;

/** The drain rate per second after one more sample (never negative: a growing backlog drains at 0). */
export function nextDrainRate(rate: number | null, sample: DrainSample): number | null {
  const seconds = (sample.current.at - sample.previous.at) / 1000;
  if (!(seconds > 0)) return rate;
  const measured = Math.max(0, (sample.previous.waiting + sample.added - sample.current.waiting) / seconds);
  return rate === null ? measured : rate + DRAIN_SMOOTHING * (measured - rate);
}
