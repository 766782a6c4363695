/** IP allow-lists: exact addresses or CIDR blocks, IPv4 and IPv6, parsed without node:net so the rule stays pure. */

/** An address as 16 bytes (IPv4 as IPv4-mapped IPv6), or undefined when the text is not an address. */
export function parseIp(text: string): number[] | undefined {
  const s = text.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = parseIpv4(s);
  if (v4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
  return parseIpv6(s);
}

function parseIpv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function parseIpv6(s: string): number[] | undefined {
  if (!s.includes(':')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string | undefined): number[] | undefined => {
    if (!h) return [];
    const out: number[] = [];
    for (const part of h.split(':')) {
      const v4 = part.includes('.') ? parseIpv4(part) : undefined;
      if (v4) out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      else if (/^[0-9a-f]{1,4}$/i.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** True when the entry (an address, or address/prefix) is well formed; used to check input before storing it. */
export function isValidAllowEntry(entry: string): boolean {
  return parseEntry(entry) !== undefined;
}

function parseEntry(entry: string): { bytes: number[]; bits: number } | undefined {
  const [addr = '', prefix] = entry.split('/');
  const bytes = parseIp(addr);
  if (!bytes) return undefined;
  const isV4 = parseIpv4(addr.trim()) !== undefined;
  const max = isV4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return undefined;
  return { bytes, bits: isV4 ? bits + 96 : bits };
}

export function ipAllowed(allowList: readonly string[], ip: string): boolean {
  if (allowList.length === 0) return true;
  const addr = parseIp(ip);
  if (!addr) return false;
  return allowList.some((entry) => {
    const parsed = parseEntry(entry);
    if (!parsed) return false;
    for (let bit = 0; bit < parsed.bits; bit++) {
      const byte = bit >> 3;
      const mask = 0x80 >> (bit & 7);
      if ((addr[byte]! & mask) !== (parsed.bytes[byte]! & mask)) return false;
    }
    return true;
  });
}
