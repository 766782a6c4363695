/**
 * Meta's Block Users rules: only users who wrote to the number in the last 24 hours can be blocked (131047 per user),
 * never the number itself (131021), at most 1,000 users per call (130429) and 64,000 on a list (139101). Unblocking
 * has no 24-hour rule. A blocked user cannot be messaged (130403).
 */
import { PASS, reject, type RuleOutcome } from './outcome.js';
import { WINDOW_MS } from './window.js';

export const MAX_USERS_PER_CALL = 1_000;
export const MAX_BLOCKLIST = 64_000;

export function checkNotBlocked(blocked: ReadonlySet<string> | undefined, waId: string): RuleOutcome {
  return blocked?.has(waId) ? reject(130403, 'Message failed to send because the business has blocked this user.') : PASS;
}

export function checkCallSize(users: number): RuleOutcome {
  return users > MAX_USERS_PER_CALL ? reject(130429, `Too many users in the request: at most ${MAX_USERS_PER_CALL} per call.`) : PASS;
}

/** Whether one user can be blocked now; `listSize` is the blocklist's size before this user. */
export function decideBlock(user: { waId: string | undefined; lastInboundAt: number | undefined }, self: string, listSize: number, now: number): RuleOutcome {
  if (user.waId === undefined) return reject(131047, 'Re-engagement required: this is not a user of WhatsApp who wrote to the business.');
  if (user.waId === self) return reject(131021, 'Failed to block self phone number.');
  if (user.lastInboundAt === undefined || now - user.lastInboundAt >= WINDOW_MS) return reject(131047, 'User has not messaged in the last 24 hours.');
  if (listSize >= MAX_BLOCKLIST) return reject(139101, `The blocklist has reached its ${MAX_BLOCKLIST} user limit.`);
  return PASS;
}
