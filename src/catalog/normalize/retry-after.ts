/** Waits that upstreams state, as a Retry-After header or in prose ("Please wait 1 hour(s) 38 minute(s)"), read as seconds. */

const UNIT_SECONDS: Readonly<Record<string, number>> = { d: 86_400, h: 3_600, m: 60, s: 1 };

// Longer spellings first so that "minutes" is not read as "m" followed by junk; "(s)" is 360dialog's plural.
const DURATION = /(\d+)\s*(days?|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?:\(s\))?(?![a-z])/gi;

/** Sum of every "<n> <unit>" in the text, in any order or combination; undefined when the text names no duration. */
export function parseWaitText(text: string): number | undefined {
  let total: number | undefined;
  for (const [, amount = '0', unit = ''] of text.matchAll(DURATION)) {
    total = (total ?? 0) + Number(amount) * (UNIT_SECONDS[unit.charAt(0).toLowerCase()] ?? 0);
  }
  return total;
}

/**
 * RFC 9110 Retry-After: delay-seconds or an HTTP date. `now` is asked only for a date, so that a caller
 * with no date to read never touches a clock. Anything else is ignored rather than guessed at.
 */
export function parseRetryAfter(value: string | undefined, now: () => number): number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now()) / 1000));
}
