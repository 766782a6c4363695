/**
 * Refuses customer webhook targets on private, loopback and link-local addresses unless the operator allows them,
 * so a webhook URL cannot be used to reach the gateway's own network (svix's webhook_http_client does the same).
 */
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  // Benchmarking (RFC 2544) and the three documentation ranges (RFC 5737): no public service lives there.
  ['198.18.0.0', 15],
  ['192.0.2.0', 24],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `LOCALHOST.` and `localhost` name the same host: compare without case, brackets or the root's trailing dot. */
function comparableHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
}

/** `localhost` and every name under it resolve to loopback (RFC 6761). */
function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

export type UrlVerdict = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

/** Checks what can be checked without DNS; the resolved address is checked again at connect time. */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'only http and https URLs can receive webhooks' };
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL are not allowed; use the signing secret' };
  const host = comparableHost(url.hostname);
  if (!allowPrivate && (isLoopbackName(host) || isPrivateAddress(host))) return { ok: false, reason: `${host} is a private or loopback address` };
  return { ok: true, url };
}
