/** Batch sends: the recipient limit and what happens to a recipient named twice. */
import { gatewayError } from '../catalog/switchboard-error.js';
import { refuse, type Refusal } from './decision.js';

export const DUPLICATE_MODES = ['refuse', 'drop'] as const;
export type DuplicateMode = (typeof DUPLICATE_MODES)[number];

export type BatchPlan =
  | { readonly kind: 'plan'; readonly dropped: ReadonlyMap<number, number> }
  | Refusal;

/**
 * `recipients[i]` is item i's normalised recipient, or undefined when the item is invalid (it then fails alone).
 * `dropped` maps a dropped item's index to the index of the first item with the same recipient.
 */
export function planBatch(recipients: readonly (string | undefined)[], mode: DuplicateMode, maxRecipients: number): BatchPlan {
  if (recipients.length > maxRecipients)
    return refuse(
      gatewayError('destination_list_too_large', {
        detail: `The batch names ${recipients.length} recipients; the limit is ${maxRecipients}.`,
        field: 'messages',
        extensions: { limit: maxRecipients },
      }),
    );
  const firstSeen = new Map<string, number>();
  const dropped = new Map<number, number>();
  for (const [index, to] of recipients.entries()) {
    if (to === undefined) continue;
    const first = firstSeen.get(to);
    if (first === undefined) {
      firstSeen.set(to, index);
      continue;
    }
    if (mode === 'refuse')
      return refuse(
        gatewayError('destination_duplicated', {
          detail: `+${to} appears at messages[${first}] and messages[${index}].`,
          field: `messages[${index}].to`,
        }),
      );
    dropped.set(index, first);
  }
  return { kind: 'plan', dropped };
}
