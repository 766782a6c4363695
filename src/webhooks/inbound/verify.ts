/** Meta's two webhook checks: the subscription handshake and the X-Hub-Signature-256 HMAC over the raw body. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface HandshakeQuery {
  readonly 'hub.mode'?: string;
  readonly 'hub.verify_token'?: string;
  readonly 'hub.challenge'?: string;
}

/** The challenge to echo when Meta subscribes with our verify token, else undefined (answer 403). */
export function answerHandshake(query: HandshakeQuery, verifyToken: string): string | undefined {
  if (query['hub.mode'] !== 'subscribe' || query['hub.challenge'] === undefined) return undefined;
  const given = Buffer.from(query['hub.verify_token'] ?? '');
  const expected = Buffer.from(verifyToken);
  return given.length === expected.length && timingSafeEqual(given, expected) ? query['hub.challenge'] : undefined;
}

export function signBody(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Compares in constant time; any malformed header is simply a mismatch. */
export function hasValidSignature(rawBody: Uint8Array | string, header: string | undefined, appSecret: string): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = Buffer.from(signBody(rawBody, appSecret).slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
