/** Runs every preflight rule in the order a caller should meet them, and returns the first refusal. */
import type { Account } from '../account.js';
import { ALLOW, type RuleDecision } from '../decision.js';
import type { OutboundMessage } from '../message.js';
import type { PhoneNumber } from '../phone-number.js';
import type { TemplateRecord } from '../template.js';
import { checkCredit } from './credit.js';
import { checkOptOut } from './opt-out.js';
import { checkRegistration } from './registration.js';
import { checkTemplate } from './template.js';
import { checkWindow } from './window.js';

/** What the store recorded about this send; gathered by the edge before the rules run. */
export interface PreflightFacts {
  readonly account: Account;
  readonly number: PhoneNumber;
  readonly message: OutboundMessage;
  readonly optedOutAt: number | null;
  readonly lastInboundAt: number | null;
  readonly template: TemplateRecord | undefined;
  readonly templatesKnown: boolean;
  /** Credit this send needs in all (a batch asks once for all its items). */
  readonly cost: number;
}

export function runPreflight(facts: PreflightFacts, now: number): RuleDecision {
  const rules: (() => RuleDecision)[] = [
    () => checkCredit(facts.account, facts.cost),
    () => checkRegistration(facts.number),
    () => checkOptOut(facts.message.to, facts.optedOutAt),
    () => checkWindow(facts.message.type, facts.lastInboundAt, now),
    () => (facts.message.template ? checkTemplate(facts.message.template, facts.template, facts.templatesKnown) : ALLOW),
  ];
  for (const rule of rules) {
    const decision = rule();
    if (decision.kind === 'refuse') return decision;
  }
  return ALLOW;
}
