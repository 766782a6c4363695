/**
 * Open-loop offered load for the whole-flow benchmark: sends start on a schedule (a rate for a number of seconds),
 * whether or not earlier ones were answered, as independent callers would. Each send's accept time counts from when it
 * was due, so a gateway (or a client pool) that falls behind shows in the latency rather than in a slower schedule.
 */
import { templateMessage, type Sender } from './bench-sender.js';
import type { ApiAnswer, GatewayApi } from './gateway-process.js';

export type SendMode = 'batch' | 'single';
export const BATCH_SIZE = 100;

export interface Offered {
  readonly mode: SendMode;
  readonly startedAt: number;
  /** When the last send was due: the step's end. */
  readonly endedAt: number;
  /** Messages offered. */
  offered: number;
  /** Accepted message ids and when their answer came. */
  readonly accepted: Map<string, number>;
  /** Answers by status ("202", "503 with Retry-After", "503", "network error" …), counted per message. */
  readonly answers: Map<string, number>;
  /** Due → answered, in ms, per request. */
  readonly acceptLatencies: number[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

function answerKind(answer: ApiAnswer): string {
  if (answer.status === 503 || answer.status === 429) return answer.headers['retry-after'] === undefined ? String(answer.status) : `${answer.status} with Retry-After`;
  return String(answer.status);
}

function count(offered: Offered, kind: string, n: number): void {
  offered.answers.set(kind, (offered.answers.get(kind) ?? 0) + n);
}

async function sendBatch(api: GatewayApi, sender: Sender, due: number, into: Offered): Promise<void> {
  const messages = Array.from({ length: BATCH_SIZE }, () => templateMessage(sender));
  into.offered += BATCH_SIZE;
  try {
    const answer = await api.call(sender.key, 'POST', '/v1/messages/batch', { messages });
    const at = Date.now();
    into.acceptLatencies.push(at - due);
    const results = (answer.body.results as { id?: string; status: string }[] | undefined) ?? [];
    for (const r of results) if (r.id && r.status === 'accepted') into.accepted.set(r.id, at);
    const acceptedHere = results.filter((r) => r.status === 'accepted').length;
    if (acceptedHere > 0) count(into, answerKind(answer), acceptedHere);
    // Items a 2xx batch did not accept count as refusals of their own; a refused batch refuses all of them.
    if (acceptedHere < BATCH_SIZE) count(into, answer.status < 300 ? `${answer.status}, item not accepted` : answerKind(answer), BATCH_SIZE - acceptedHere);
  } catch {
    count(into, 'network error', BATCH_SIZE);
  }
}

async function sendSingle(api: GatewayApi, sender: Sender, due: number, into: Offered): Promise<void> {
  into.offered += 1;
  try {
    const answer = await api.call(sender.key, 'POST', '/v1/messages', templateMessage(sender));
    const at = Date.now();
    into.acceptLatencies.push(at - due);
    count(into, answerKind(answer), 1);
    if (answer.status === 202) into.accepted.set(String(answer.body.id), at);
  } catch {
    count(into, 'network error', 1);
  }
}

/** Offers `rate` messages a second for `seconds` (batches of BATCH_SIZE, or single sends) and resolves once every send is answered. */
export async function offerLoad(api: GatewayApi, sender: Sender, mode: SendMode, rate: number, seconds: number): Promise<Offered> {
  const startedAt = Date.now();
  const endedAt = startedAt + seconds * 1000;
  const into: Offered = { mode, startedAt, endedAt, offered: 0, accepted: new Map(), answers: new Map(), acceptLatencies: [] };
  const total = Math.round(rate * seconds);
  const perSend = mode === 'batch' ? BATCH_SIZE : 1;
  const send = mode === 'batch' ? sendBatch : sendSingle;
  const inFlight: Promise<void>[] = [];
  // The k-th message is due at startedAt + k / rate; a timer that fires late starts every send overdue at once.
  for (let k = 0; k < total; k += perSend) {
    const due = startedAt + (k / rate) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    inFlight.push(send(api, sender, due, into));
  }
  await sleep(endedAt - Date.now());
  await Promise.all(inFlight);
  return into;
}
