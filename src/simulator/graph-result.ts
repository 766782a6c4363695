/** Graph answers as values: success bodies and catalog-rendered failures, plus the caller-owns-this-number check every route makes. */
import { graphAnswer } from './graph-error.js';
import { checkOwnership } from './rules/auth.js';
import { reject, type Rejection } from './rules/outcome.js';
import type { BrokenSend } from './faults.js';
import type { SimCore } from './sim-core.js';
import type { PhoneNumber } from './state.js';

export interface GraphResult {
  readonly status: number;
  readonly body: unknown;
  /** The Meta code when the answer is an error, for the request log. */
  readonly code?: number;
  /** An injected fault breaks this answer (late, or a reset); `status` is 0 when nothing was accepted. */
  readonly broken?: BrokenSend;
}

export function graphFailure(core: SimCore, rejection: Rejection, statusOverride?: number): GraphResult {
  const answer = graphAnswer(rejection, core.traceId(), statusOverride);
  return { status: answer.status, body: answer.body, code: rejection.code };
}

export function unknownObject(core: SimCore, id: string, method = 'post'): GraphResult {
  return graphFailure(
    core,
    reject(100, `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33),
  );
}

export function isRefusal(value: PhoneNumber | GraphResult): value is GraphResult {
  return 'status' in value && 'body' in value;
}

/** Finds the caller's number: unknown ids are Graph's 100/33, another business's number a permission error. */
export function callerNumber(core: SimCore, callerWabaId: string, phoneNumberId: string): PhoneNumber | GraphResult {
  const number = core.state.numbers.get(phoneNumberId);
  if (!number) return unknownObject(core, phoneNumberId);
  const owned = checkOwnership(callerWabaId, number.wabaId, phoneNumberId);
  return owned.kind === 'reject' ? graphFailure(core, owned) : number;
}
