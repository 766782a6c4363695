/** Registering a number with its two-step PIN: 133005, 133006, 133008, 133009, 133015, 133016, with waits spelt out as Meta does. */
import { reject, type RuleOutcome, PASS } from './outcome.js';

export const PIN_GUESS_LIMIT = 5;
export const PIN_LOCKOUT_MS = 12 * 60 * 60 * 1000;
export const PIN_RETRY_GAP_MS = 10_000;
export const REGISTRATION_CALLS_PER_HOUR = 10;
export const DELETION_WAIT_MS = 5 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

export interface RegistrationFacts {
  readonly expectedPin?: string;
  readonly needsReverification?: boolean;
  /** Clock time the number was deleted, when it was. */
  readonly deletedAt?: number;
  readonly failedPinAt: readonly number[];
  /** Register and deregister calls, whatever their result. */
  readonly callsAt: readonly number[];
}

/** "1 hour(s) 38 minute(s)" — the wording Meta (and the 1005 registration errors of seed 002) use for waits. */
export function describeWait(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} hour(s) ${minutes % 60} minute(s)` : `${minutes} minute(s)`;
}

/** Register and deregister share one hourly budget per number (133016). */
export function checkRegistrationCalls(callsAt: readonly number[], now: number): RuleOutcome {
  const recent = callsAt.filter((at) => now - at < HOUR_MS);
  if (recent.length < REGISTRATION_CALLS_PER_HOUR) return PASS;
  const oldest = Math.min(...recent);
  return reject(133016, `Too many register/deregister calls for this number. Please wait ${describeWait(oldest + HOUR_MS - now)} before trying again.`);
}

export function checkRegistration(facts: RegistrationFacts, pin: string, now: number): RuleOutcome {
  if (facts.deletedAt !== undefined && now - facts.deletedAt < DELETION_WAIT_MS) {
    return reject(133015, `Please wait ${describeWait(DELETION_WAIT_MS - (now - facts.deletedAt))} before attempting to register this phone number.`);
  }
  const calls = checkRegistrationCalls(facts.callsAt, now);
  if (calls.kind === 'reject') return calls;
  if (facts.needsReverification) return reject(133006, 'Phone number needs to be verified before registering.');
  const failures = facts.failedPinAt.filter((at) => now - at < PIN_LOCKOUT_MS);
  if (failures.length >= PIN_GUESS_LIMIT) {
    const oldest = Math.min(...failures);
    return reject(133008, `Too many two step verification PIN guesses for this phone number. Please wait ${describeWait(oldest + PIN_LOCKOUT_MS - now)} before trying again.`);
  }
  const last = failures.length === 0 ? undefined : Math.max(...failures);
  if (last !== undefined && now - last < PIN_RETRY_GAP_MS) {
    return reject(133009, `Two step verification PIN guessed too fast. Please wait ${Math.ceil((last + PIN_RETRY_GAP_MS - now) / 1000)} second(s) before trying again.`);
  }
  if (facts.expectedPin !== undefined && pin !== facts.expectedPin) return reject(133005, 'Two step verification PIN mismatch.');
  return PASS;
}
