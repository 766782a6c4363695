/**
 * Everything decided about one SMS before anything is sent, in the order the refusals are reported: the sender id
 * (seed codes 12, 13), the route (10, 14), the segments (too many), and the price of what will be sent.
 */
import type { Refusal } from '../decision.js';
import { chooseRoute, type SmsRoute } from './routing.js';
import { segmentWithin, smsPrice, type SmsSegmentation } from './segments.js';
import { checkSenderId, type SenderId } from './sender-id.js';

export interface SmsRequest {
  readonly accountId: string;
  readonly from: string;
  readonly to: string;
  readonly text: string;
}

export interface SmsRules {
  readonly routes: readonly SmsRoute[];
  /** The sender ids the operator allowed the account. */
  readonly allowedSenderIds: readonly string[];
  readonly maxSegments: number;
  readonly pricePerSegment: number;
}

export interface SmsPlan {
  readonly sender: SenderId;
  readonly route: SmsRoute;
  readonly segmentation: SmsSegmentation;
  readonly price: number;
}

export type SmsPlanDecision = { readonly kind: 'allow'; readonly plan: SmsPlan } | Refusal;

export function planSms(request: SmsRequest, rules: SmsRules): SmsPlanDecision {
  const sender = checkSenderId(request.from, rules.allowedSenderIds);
  if (sender.kind === 'refuse') return sender;
  const route = chooseRoute(rules.routes, request.to, request.accountId);
  if (route.kind === 'refuse') return route;
  const segments = segmentWithin(request.text, rules.maxSegments);
  if (segments.kind === 'refuse') return segments;
  const count = segments.segmentation.segments.length;
  return {
    kind: 'allow',
    plan: { sender: sender.sender, route: route.route, segmentation: segments.segmentation, price: smsPrice(count, rules.pricePerSegment) },
  };
}
