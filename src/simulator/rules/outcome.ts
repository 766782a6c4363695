/** What a simulator rule decides about one request: let it pass, or reject it with a Meta code. */
export interface Rejection {
  readonly kind: 'reject';
  readonly code: number;
  readonly details?: string;
  readonly subcode?: number;
}

export type RuleOutcome = { readonly kind: 'pass' } | Rejection;

export const PASS: RuleOutcome = { kind: 'pass' };

export function reject(code: number, details?: string, subcode?: number): Rejection {
  return { kind: 'reject', code, ...(details === undefined ? {} : { details }), ...(subcode === undefined ? {} : { subcode }) };
}

/** The first rejection among rules run in order; each rule is only evaluated if every earlier one passed. */
export function firstRejection(rules: ReadonlyArray<() => RuleOutcome>): RuleOutcome {
  for (const rule of rules) {
    const outcome = rule();
    if (outcome.kind === 'reject') return outcome;
  }
  return PASS;
}
