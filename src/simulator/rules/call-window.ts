/** Call counts per fixed window: the app-level (4) and business-account-level (80007) Graph rate limits. */
import { reject, type RuleOutcome, PASS } from './outcome.js';

export interface CallWindow {
  readonly start: number;
  readonly count: number;
}

export const HOUR_MS = 60 * 60 * 1000;

export function countCall(
  window: CallWindow | undefined,
  now: number,
  limit: number,
  code: 4 | 80007,
  windowMs = HOUR_MS,
): { outcome: RuleOutcome; window: CallWindow } {
  const current = window === undefined || now - window.start >= windowMs ? { start: now, count: 0 } : window;
  const next = { start: current.start, count: current.count + 1 };
  if (next.count <= limit) return { outcome: PASS, window: next };
  const details =
    code === 4
      ? `Application request limit reached: ${limit} calls per hour.`
      : `Rate limit hit for this WhatsApp Business Account: ${limit} calls per hour.`;
  return { outcome: reject(code, details), window: next };
}
