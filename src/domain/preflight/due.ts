/**
 * The preflight rules whose answer depends on when a message leaves: run at accept for a send that leaves at once,
 * and again when a scheduled message becomes due (its accept checked the rest). The window is not checked at the
 * accept of a scheduled send: whether the contact's window is open then says nothing about `send_at`.
 */
import { ALLOW, type RuleDecision } from '../decision.js';
import type { MessageType, TemplateRef } from '../message.js';
import type { TemplateRecord } from '../template.js';
import { checkOptOut } from './opt-out.js';
import { checkTemplate } from './template.js';
import { checkWindow } from './window.js';

export interface DueFacts {
  readonly to: string;
  readonly type: MessageType;
  readonly template: TemplateRef | undefined;
  readonly optedOutAt: number | null;
  readonly lastInboundAt: number | null;
  readonly templateRecord: TemplateRecord | undefined;
  readonly templatesKnown: boolean;
}

export function runDuePreflight(facts: DueFacts, now: number): RuleDecision {
  const rules: (() => RuleDecision)[] = [
    () => checkOptOut(facts.to, facts.optedOutAt),
    () => checkWindow(facts.type, facts.lastInboundAt, now),
    () => (facts.template ? checkTemplate(facts.template, facts.templateRecord, facts.templatesKnown) : ALLOW),
  ];
  for (const rule of rules) {
    const decision = rule();
    if (decision.kind === 'refuse') return decision;
  }
  return ALLOW;
}

/** The template a stored Cloud API payload names, as validation wrote it (`language: { code }`). */
export function templateOfPayload(payload: Readonly<Record<string, unknown>>): TemplateRef | undefined {
  const template = payload['template'] as { name?: unknown; language?: { code?: unknown }; components?: unknown } | undefined;
  if (typeof template?.name !== 'string' || typeof template.language?.code !== 'string') return undefined;
  return { name: template.name, language: template.language.code, components: Array.isArray(template.components) ? (template.components as Record<string, unknown>[]) : [] };
}
