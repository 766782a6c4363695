/** Issuing keys: a random secret with its kind's prefix, stored only as its SHA-256; the secret is returned once. */
import { createHash } from 'node:crypto';
import { displayPrefix, KEY_PREFIXES, type KeyKind } from '../domain/api-key.js';
import { newSecret } from './ids.js';
import type { AccountStore, ApiKeyRecord } from './store.js';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** `secret` lets an operator bring their own (SWITCHBOARD_ADMIN_KEY); otherwise one is generated. */
export async function issueKey(
  store: Pick<AccountStore, 'createKey'>,
  input: { kind: KeyKind; accountId: string | null; name: string; secret?: string },
  now: number,
): Promise<{ record: ApiKeyRecord; secret: string }> {
  const secret = input.secret ?? newSecret(KEY_PREFIXES[input.kind]);
  const record = await store.createKey(
    { kind: input.kind, accountId: input.accountId, name: input.name, secretHash: hashSecret(secret), prefix: displayPrefix(secret) },
    now,
  );
  return { record, secret };
}
