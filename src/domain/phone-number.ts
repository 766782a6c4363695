/** Business phone numbers and the rule that picks the number a message is sent from. */
import { gatewayError } from '../catalog/switchboard-error.js';
import type { Account } from './account.js';
import { refuse, type Refusal } from './decision.js';
import type { NumberHealth } from './number-health.js';

export const REGISTRATION_STATES = ['registered', 'pending', 'unregistered'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

export interface PhoneNumber {
  readonly id: string;
  /** Meta's `phone_number_id`: the id in Graph paths. */
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  readonly wabaId: string;
  readonly accountId: string | null;
  readonly registration: RegistrationState;
  /** The messages per second Meta allows this number (80 by default, up to 1,000). */
  readonly maxMps: number;
  readonly hasAccessToken: boolean;
  /** Meta refused the number's token: nothing is sent from it until the token is replaced. */
  readonly disconnected: boolean;
  /** Quality, tier and restrictions as Meta's webhooks reported them; absent = nothing reported. */
  readonly health?: NumberHealth;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type SenderDecision = { readonly kind: 'use'; readonly number: PhoneNumber } | Refusal;

/**
 * Picks the sending number: the one asked for when it is the account's, else the account's default.
 * `found` is what the store returned for the reference (or the default); a number of another account is reported as
 * not authorized whether or not it exists elsewhere, so the answer never confirms another tenant's number.
 */
export function chooseSender(account: Account, requested: string | undefined, found: PhoneNumber | undefined): SenderDecision {
  if (requested !== undefined) {
    if (!found || found.accountId !== account.id)
      return refuse(gatewayError('phone_number_not_authorized', { detail: `Number ${requested} is not assigned to your account.`, field: 'from' }));
    return { kind: 'use', number: found };
  }
  if (account.defaultNumberId === null || !found || found.accountId !== account.id)
    return refuse(gatewayError('could_not_route', { detail: 'No sending number was given and the account has no default number.' }));
  return { kind: 'use', number: found };
}
