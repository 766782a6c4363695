/** Type-prefixed ids (`msg_`, `acct_` …): time-ordered so that ids sort by creation, random so they cannot be guessed. */
import { randomBytes } from 'node:crypto';

export const ID_PREFIXES = ['msg', 'acct', 'key', 'num', 'job', 'med', 'req', 'evt', 'mwh', 'ep', 'dlv', 'atmpt', 'smsc', 'smsr'] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

let lastMs = 0;
let counter = 0;
// randomBytes costs a syscall per call; ids take their 8 random bytes from a pool refilled 4 KiB at a time.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

function randomInto(target: Buffer, at: number, length: number): void {
  if (poolOffset + length > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  pool.copy(target, at, poolOffset, poolOffset + length);
  poolOffset += length;
}

/** 48-bit millisecond time + a 16-bit in-millisecond counter + 64 random bits: `msg_01j…` (26 characters after the prefix). */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now === lastMs) counter = (counter + 1) & 0xffff;
  else {
    lastMs = now;
    counter = 0;
  }
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes.writeUInt16BE(counter, 6);
  randomInto(bytes, 8, 8);
  return `${prefix}_${base32(bytes)}`;
}

/** A secret for an API key: the prefix says what it is, the rest is 32 random bytes. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}
