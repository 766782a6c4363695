/** Preflight: the template must exist in the language, be approved and not paused or disabled (Meta's 1320xx family). */
import { requireEntry } from '../../catalog/catalog.js';
import { gatewayError, SwitchboardError } from '../../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from '../decision.js';
import type { TemplateRef } from '../message.js';
import type { TemplateRecord } from '../template.js';
import { checkTemplateParams } from './template-params.js';

/**
 * `known` is what template sync recorded for this name and language; `catalogKnown` says whether the WABA was ever
 * synced. Without any sync Switchboard knows nothing to check against, so it lets Meta decide rather than refuse all.
 */
export function checkTemplate(ref: TemplateRef, known: TemplateRecord | undefined, catalogKnown: boolean): RuleDecision {
  if (!catalogKnown) return ALLOW;
  if (!known)
    return refuse(
      new SwitchboardError(requireEntry('meta', 132001), {
        detail: `No template "${ref.name}" in language ${ref.language} is recorded for this WhatsApp Business account.`,
        field: 'template.name',
      }),
    );
  if (known.status === 'pending' || known.status === 'rejected')
    return refuse(gatewayError('template_not_approved', { detail: `Template "${ref.name}" (${ref.language}) is ${known.status}.`, field: 'template.name' }));
  if (known.status === 'paused')
    return refuse(new SwitchboardError(requireEntry('meta', 132015), { detail: `Template "${ref.name}" is paused.`, field: 'template.name' }));
  if (known.status === 'disabled')
    return refuse(new SwitchboardError(requireEntry('meta', 132016), { detail: `Template "${ref.name}" is disabled.`, field: 'template.name' }));
  return checkTemplateParams(ref, known) ?? ALLOW;
}
