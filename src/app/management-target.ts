/** What the template routes and the contact-check use case need to call the upstream's management API for one of the account's numbers. */
import { gatewayError } from '../catalog/switchboard-error.js';
import type { Account } from '../domain/account.js';
import type { PhoneNumber } from '../domain/phone-number.js';
import type { GraphTarget, TemplateUpstream } from '../dispatch/graph-management-client.js';
import type { Store } from '../store/store.js';

export interface ManagementDeps {
  readonly client: TemplateUpstream;
  readonly baseUrl: string;
  readonly apiVersion: string;
  /** How long a contact check's answer is trusted. */
  readonly contactCheckTtlMs?: number;
  /** Claims a call in the number's per-second cap (0 = go, else milliseconds to wait): read marks keep the number's pace. */
  readonly claimCallSlot?: (numberId: string, perSecond: number) => Promise<number>;
}

/** The account's number to act through: the named one (id or phone_number_id), one of the WABA, or the default. */
export async function numberFor(store: Store, account: Account, options: { numberRef?: string; wabaId?: string }): Promise<PhoneNumber> {
  const numbers = await store.listNumbers({ accountId: account.id });
  const found =
    options.numberRef !== undefined ? numbers.find((n) => n.id === options.numberRef || n.phoneNumberId === options.numberRef)
    : options.wabaId !== undefined ? numbers.find((n) => n.wabaId === options.wabaId)
    : (numbers.find((n) => n.id === account.defaultNumberId) ?? numbers[0]);
  if (!found)
    throw options.numberRef !== undefined || options.wabaId !== undefined
      ? gatewayError('phone_number_not_authorized', { detail: 'No number of your account matches; use one assigned to it.' })
      : gatewayError('could_not_route', { detail: 'The account has no number, so it has no WhatsApp Business account to act on.' });
  return found;
}

export async function targetFor(store: Store, management: ManagementDeps | undefined, number: PhoneNumber): Promise<GraphTarget & { client: TemplateUpstream }> {
  if (!management) throw gatewayError('service_unavailable', { detail: 'No upstream is configured for management calls.' });
  const accessToken = await store.getAccessToken(number.id);
  if (!accessToken) throw gatewayError('could_not_route', { detail: `Number ${number.phoneNumberId} has no access token.` });
  return { baseUrl: management.baseUrl, apiVersion: management.apiVersion, accessToken, client: management.client };
}
