/** The 24-hour customer service window: free-form messages only within 24 h of the user's last message (131047). */
import type { MessageType } from '../types.js';
import { reject, type RuleOutcome, PASS } from './outcome.js';

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export function checkWindow(type: MessageType, lastInboundAt: number | undefined, now: number): RuleOutcome {
  if (type === 'template') return PASS;
  if (lastInboundAt !== undefined && now - lastInboundAt < WINDOW_MS) return PASS;
  return reject(
    131047,
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  );
}
