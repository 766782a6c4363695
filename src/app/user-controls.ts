/**
 * What a business does to a user rather than sends them: block or unblock them on a number (Meta's Block Users, with
 * its rules checked first: at most 1,000 users per call, only users who wrote in the last 24 hours), and mark their
 * message read with an optional typing indicator. Users are named by phone or business-scoped user id; a block is
 * recorded for the contact, so it holds whichever identifier a later send names.
 */
import { metaEntry, requireEntry } from '../catalog/catalog.js';
import { gatewayError, SwitchboardError } from '../catalog/switchboard-error.js';
import type { Account } from '../domain/account.js';
import type { PhoneNumber } from '../domain/phone-number.js';
import { readRecipient, recipientAddress } from '../domain/contact-identity.js';
import { serviceWindow } from '../domain/preflight/window.js';
import type { Store } from '../store/store.js';
import { numberFor, targetFor, type ManagementDeps } from './management-target.js';

export const MAX_USERS_PER_BLOCK_CALL = 1_000;

export interface UserControlDeps {
  readonly store: Store;
  readonly management?: ManagementDeps | undefined;
}

export type BlockResult =
  | { readonly kind: 'done'; readonly input: string; readonly user: string }
  | { readonly kind: 'failed'; readonly input: string; readonly error: SwitchboardError };

/** Meta's per-user error as our catalog's entry; a code the catalog lacks keeps Meta's answer in `upstream`. */
function upstreamUserError(code: number, detail: string | undefined): SwitchboardError {
  const entry = metaEntry(code);
  const options = detail === undefined ? {} : { detail };
  return entry ? new SwitchboardError(entry, options) : gatewayError('upstream_rejected', { ...options, upstream: { payload: String(code) } });
}

/** Our own checks for one user: readable, and (to block) written to the number within 24 hours. */
async function checkUser(store: Store, accountId: string, numberId: string, input: string, index: number, block: boolean, now: number): Promise<{ user: string; key: string } | SwitchboardError> {
  let user: string;
  try {
    user = recipientAddress(readRecipient(input, `users[${index}]`));
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  const key = await store.identities.keyOf(accountId, user);
  if (block && serviceWindow(await store.getLastInbound(numberId, key), now).kind !== 'open')
    return new SwitchboardError(requireEntry('meta', 131047), { detail: `${input} has not written to this number in the last 24 hours, so it cannot be blocked.`, field: `users[${index}]` });
  return { user, key };
}

export async function changeBlocks(deps: UserControlDeps, account: Account, numberRef: string, users: readonly string[], block: boolean, now: number): Promise<BlockResult[]> {
  if (users.length > MAX_USERS_PER_BLOCK_CALL)
    throw gatewayError('too_many_block_users', { detail: `${users.length} users named; one call takes at most ${MAX_USERS_PER_BLOCK_CALL}.`, field: 'users' });
  const { store } = deps;
  const number = await numberFor(store, account, { numberRef });
  const checked = await Promise.all(users.map((input, i) => checkUser(store, account.id, number.id, input, i, block, now)));
  const passing = checked.flatMap((c, i) => (c instanceof SwitchboardError ? [] : [{ ...c, input: users[i] as string }]));
  const answers = new Map<string, { errorCode?: number; errorDetail?: string }>();
  if (passing.length > 0) {
    const target = await targetFor(store, deps.management, number);
    const results = await target.client.changeBlocks(target, number.phoneNumberId, block, passing.map((p) => p.user));
    for (const r of results) answers.set(r.input, r);
  }
  const out: BlockResult[] = [];
  for (const [i, c] of checked.entries()) {
    const input = users[i] as string;
    if (c instanceof SwitchboardError) {
      out.push({ kind: 'failed', input, error: c });
      continue;
    }
    const answer = answers.get(c.user);
    if (answer?.errorCode !== undefined) {
      out.push({ kind: 'failed', input, error: upstreamUserError(answer.errorCode, answer.errorDetail) });
      continue;
    }
    await store.identities.setBlocked(number.id, c.key, block, now);
    out.push({ kind: 'done', input, user: c.user });
  }
  return out;
}

export async function listBlocks(deps: UserControlDeps, account: Account, numberRef: string): Promise<{ user: string; blockedAt: number }[]> {
  const number = await numberFor(deps.store, account, { numberRef });
  return (await deps.store.identities.listBlocked(number.id)).map((b) => ({ user: b.key, blockedAt: b.blockedAt }));
}

/** Longer than this in the number's call cap and the read mark is refused: the caller may try again. */
const MAX_PACE_WAIT_MS = 5_000;

/** Waits for a call slot in the number's per-second cap (shared across processes where the limits are). */
async function keepPace(management: ManagementDeps | undefined, number: PhoneNumber): Promise<void> {
  const claim = management?.claimCallSlot;
  if (!claim) return;
  for (let waited = 0; ;) {
    const wait = await claim(number.id, number.maxMps);
    if (wait === 0) return;
    if (waited + wait > MAX_PACE_WAIT_MS)
      throw gatewayError('service_unavailable', { detail: `Number ${number.phoneNumberId} stayed at its call cap for ${MAX_PACE_WAIT_MS / 1000} s; mark the message read again shortly.` });
    await new Promise((resolve) => setTimeout(resolve, wait));
    waited += wait;
  }
}

/**
 * Marks a customer's message read (and shows a typing indicator when asked), through the number that received it, at
 * the number's pace: it takes a slot in the same per-second call cap as the dispatcher's sends, but is not queued
 * behind them, since it carries no content, is not retried, and the user is waiting for the double tick now.
 */
export async function markRead(deps: UserControlDeps, account: Account, wamid: string, typing: boolean): Promise<void> {
  const message = await deps.store.inbound.findCustomerMessage(wamid);
  if (!message || message.accountId !== account.id)
    throw gatewayError('message_not_found', { detail: `No customer message ${wamid} reached a number of your account.` });
  const number = await numberFor(deps.store, account, { numberRef: message.numberId });
  const target = await targetFor(deps.store, deps.management, number);
  await keepPace(deps.management, number);
  await target.client.markRead(target, number.phoneNumberId, wamid, typing);
}
