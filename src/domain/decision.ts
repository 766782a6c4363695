/** The shape every domain rule answers with: go ahead, or refuse with a catalog error. */
import type { SwitchboardError } from '../catalog/switchboard-error.js';

export type Refusal = { readonly kind: 'refuse'; readonly error: SwitchboardError };
export type Allow = { readonly kind: 'allow' };
export type RuleDecision = Allow | Refusal;

export const ALLOW: Allow = { kind: 'allow' };

export function refuse(error: SwitchboardError): Refusal {
  return { kind: 'refuse', error };
}
