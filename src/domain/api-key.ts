/** API keys: the two kinds and the prefixes that make a leaked key recognisable (and scannable) at a glance. */

export const KEY_KINDS = ['admin', 'account'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export const KEY_PREFIXES: Readonly<Record<KeyKind, string>> = { admin: 'sb_admin_', account: 'sb_acct_' };

/** How many leading characters of a secret are kept for listings: the prefix plus four characters. */
export function displayPrefix(secret: string): string {
  const kind = (Object.keys(KEY_PREFIXES) as KeyKind[]).find((k) => secret.startsWith(KEY_PREFIXES[k]));
  return secret.slice(0, (kind ? KEY_PREFIXES[kind].length : 0) + 4);
}
