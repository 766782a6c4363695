/** Preflight: a contact who stopped marketing messages (Meta's user_preferences) gets no marketing template (Meta's 131050). */
import { requireEntry } from '../../catalog/catalog.js';
import { SwitchboardError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';
import type { TemplateRecord } from '../template.js';

export function checkMarketingPreference(template: TemplateRecord | undefined, marketingStoppedAt: number | null): RuleDecision {
  if (marketingStoppedAt === null || template?.category.toUpperCase() !== 'MARKETING') return ALLOW;
  return refuse(
    new SwitchboardError(requireEntry('meta', 131050), {
      detail: `The contact stopped marketing messages on ${new Date(marketingStoppedAt).toISOString()}; "${template.name}" is a marketing template.`,
      field: 'template.name',
    }),
  );
}
