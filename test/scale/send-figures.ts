/** Figures read from what the simulator and the customer's receiver recorded: sends per message, busiest second, webhook events. */
import type { RecordedRequest } from '../../src/simulator/types.js';
import type { Received } from '../e2e/webhooks-harness.js';

const SEND_PATH = /^\/v\d+\.\d+\/([^/]+)\/messages$/;

function sendTo(request: RecordedRequest): string | undefined {
  return request.method === 'POST' ? SEND_PATH.exec(request.path)?.[1] : undefined;
}

/** When the simulator accepted each message, oldest first, by the message id our sends carry as callback data. */
export function acceptedSendTimes(requests: readonly RecordedRequest[]): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const request of requests) {
    const callback = (request.body as { biz_opaque_callback_data?: string } | undefined)?.biz_opaque_callback_data;
    if (sendTo(request) === undefined || !callback || request.status !== 200) continue;
    const list = times.get(callback) ?? [];
    list.push(request.at);
    times.set(callback, list);
  }
  return times;
}

/** How many messages the simulator accepted more than once. */
export function duplicateCount(sends: ReadonlyMap<string, readonly number[]>): number {
  return [...sends.values()].filter((times) => times.length > 1).length;
}

/** Arrival times of every send call (whatever its answer: Meta counts refused calls too), per phone number id. */
export function callTimesPerNumber(requests: readonly RecordedRequest[], from = 0, until = Infinity): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const request of requests) {
    const number = sendTo(request);
    if (number === undefined || request.at < from || request.at > until) continue;
    const list = times.get(number) ?? [];
    list.push(request.at);
    times.set(number, list);
  }
  return times;
}

/** The most calls inside any window of one second (sliding: every start time, not calendar seconds), and when it began. */
export function busiestSecond(times: readonly number[]): { calls: number; from: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = { calls: 0, from: 0 };
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1_000) start++;
    if (end - start + 1 > busiest.calls) busiest = { calls: end - start + 1, from: sorted[start]! };
  }
  return busiest;
}

export interface WebhookFigures {
  /** Distinct events delivered (by webhook-id) with a 2xx answer. */
  readonly events: number;
  /** Deliveries of an event already delivered (same webhook-id). */
  readonly duplicates: number;
  /** Expected `type message_id` pairs never delivered. */
  readonly missing: string[];
}

/** Checks the receiver's record against the events expected, written `type message_id`. */
export function webhookFigures(received: readonly Received[], expected: ReadonlySet<string>): WebhookFigures {
  const seen = new Set<string>();
  const delivered = new Set<string>();
  let duplicates = 0;
  for (const post of received) {
    if (post.answered >= 300) continue;
    const id = String(post.headers['webhook-id']);
    if (seen.has(id)) duplicates++;
    seen.add(id);
    const event = JSON.parse(post.body) as { type: string; data: { message_id?: string } };
    delivered.add(`${event.type} ${event.data.message_id ?? ''}`);
  }
  return { events: seen.size, duplicates, missing: [...expected].filter((key) => !delivered.has(key)) };
}
