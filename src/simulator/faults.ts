/** Injected faults and outages as data: which fault a send meets (seeded), and what an outage answers. */
import { BROKEN_ANSWERS, type BrokenAnswer, type FaultInput, type FaultMatch, type MessageType, type OutageInput } from './types.js';
import type { Random } from './prng.js';

/** A send's answer that never arrives whole; `accepted`: the message was accepted before it broke. */
export interface BrokenSend {
  readonly answer: BrokenAnswer;
  readonly accepted: boolean;
  readonly delayMs: number;
}

export const DEFAULT_LATE_ANSWER_MS = 30_000;

export interface Fault {
  readonly id: string;
  readonly match: FaultMatch;
  /** The Meta code the send fails with; undefined when the fault breaks the answer instead. */
  readonly error: number | undefined;
  readonly broken?: BrokenSend;
  readonly probability: number;
  /** Matching sends it still fails; undefined: no end. */
  remaining: number | undefined;
  readonly arrives?: 'sync' | 'async';
  readonly toPattern?: RegExp;
}

export interface SendFacts {
  readonly phoneNumberId: string;
  readonly waId: string;
  readonly type: MessageType;
  readonly template?: string;
  readonly now: number;
}

function brokenSend(input: FaultInput): BrokenSend | undefined {
  if (input.answer === undefined) return undefined;
  if (!BROKEN_ANSWERS.includes(input.answer)) throw new Error(`fault.answer must be one of ${BROKEN_ANSWERS.join(', ')}`);
  const delayMs = input.delayMs ?? DEFAULT_LATE_ANSWER_MS;
  if (!(delayMs >= 0)) throw new Error('fault.delayMs must be a number of milliseconds');
  return { answer: input.answer, accepted: input.accepted ?? true, delayMs };
}

export function makeFault(input: FaultInput, id: string): Fault {
  const broken = brokenSend(input);
  if (broken === undefined && !Number.isInteger(input.error)) throw new Error('fault.error must be a Meta catalog code (or give fault.answer)');
  const probability = input.probability ?? 1;
  if (!(probability >= 0 && probability <= 1)) throw new Error('fault.probability must be between 0 and 1');
  const match = input.match ?? {};
  const pattern = match.to?.replace(/^\+/, '');
  return {
    id,
    match,
    error: broken === undefined ? input.error : undefined,
    ...(broken === undefined ? {} : { broken }),
    probability,
    remaining: input.count,
    ...(input.arrives === undefined ? {} : { arrives: input.arrives }),
    ...(pattern === undefined ? {} : { toPattern: new RegExp(`^(?:${pattern})$`) }),
  };
}

function matches(fault: Fault, facts: SendFacts): boolean {
  const m = fault.match;
  if (fault.remaining !== undefined && fault.remaining <= 0) return false;
  if (m.phoneNumberId !== undefined && m.phoneNumberId !== facts.phoneNumberId) return false;
  if (m.type !== undefined && m.type !== facts.type) return false;
  if (m.template !== undefined && m.template !== facts.template) return false;
  if (m.from !== undefined && facts.now < m.from) return false;
  if (m.until !== undefined && facts.now >= m.until) return false;
  return fault.toPattern === undefined || fault.toPattern.test(facts.waId);
}

/**
 * The first fault that matches and wins its draw. The PRNG is drawn once per matching fault with a probability
 * below 1, so a seed replays the same faults for the same sequence of sends.
 */
export function pickFault(faults: readonly Fault[], facts: SendFacts, random: Random): Fault | undefined {
  for (const fault of faults) {
    if (!matches(fault, facts)) continue;
    if (fault.probability < 1 && random() >= fault.probability) continue;
    return fault;
  }
  return undefined;
}

export interface Outage {
  readonly status: number;
  readonly body: 'json' | 'html' | 'timeout';
  readonly until?: number;
  readonly delayMs?: number;
  readonly pathPrefix?: string;
}

export function makeOutage(input: OutageInput, now: number): Outage {
  const status = input.status ?? 503;
  if (status < 500 || status > 599) throw new Error('outage.status must be a 5xx status');
  return {
    status,
    body: input.body ?? 'json',
    ...(input.durationMs === undefined ? {} : { until: now + input.durationMs }),
    ...(input.delayMs === undefined ? {} : { delayMs: input.delayMs }),
    ...(input.pathPrefix === undefined ? {} : { pathPrefix: input.pathPrefix }),
  };
}

export function outageApplies(outage: Outage | undefined, path: string, now: number): outage is Outage {
  if (!outage) return false;
  if (outage.until !== undefined && now >= outage.until) return false;
  return outage.pathPrefix === undefined || path.includes(outage.pathPrefix);
}

/** Graph's code for a JSON outage answer: 2 (service unavailable) for 503, 131000 (something went wrong) otherwise. */
export function outageCode(status: number): number {
  return status === 503 ? 2 : 131000;
}

/** What a proxy in front of Graph answers when the service behind it is down. */
export function outageHtml(status: number): string {
  const reason = status === 503 ? 'Service Temporarily Unavailable' : status === 502 ? 'Bad Gateway' : 'Internal Server Error';
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
