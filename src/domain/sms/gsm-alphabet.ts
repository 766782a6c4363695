/**
 * The GSM 03.38 default alphabet: the basic table (one septet per character) and its extension table (an escape plus
 * one septet, so two septets per character), with the codecs that write and read unpacked septets (one per octet, as
 * SMPP carries data_coding 0).
 */

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const ESCAPE = 0x1b;
/** Extension characters and the septet that follows the escape for each. */
const EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f], ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
]);

const basicSeptet = new Map<string, number>([...BASIC].map((ch, i) => [ch, i] as const).filter(([ch]) => ch !== '\u001b'));
const extensionChar = new Map<number, string>([...EXTENSION].map(([ch, septet]) => [septet, ch]));

/** Septets one character takes in GSM-7: 1 (basic), 2 (extension), undefined when GSM-7 cannot write it. */
export function gsmSeptets(ch: string): 1 | 2 | undefined {
  if (basicSeptet.has(ch)) return 1;
  if (EXTENSION.has(ch)) return 2;
  return undefined;
}

export function isGsmBasic(ch: string): boolean {
  return basicSeptet.has(ch);
}

/** Unpacked septets of `text`; every character must be in the alphabet (check with `gsmSeptets`). */
export function encodeGsm(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const basic = basicSeptet.get(ch);
    if (basic !== undefined) out.push(basic);
    else {
      const ext = EXTENSION.get(ch);
      if (ext === undefined) throw new RangeError(`not in the GSM 03.38 alphabet: U+${ch.codePointAt(0)!.toString(16)}`);
      out.push(ESCAPE, ext);
    }
  }
  return Uint8Array.from(out);
}

/** Reads unpacked septets back; an unknown septet reads as a space, as handsets show it. */
export function decodeGsm(septets: Uint8Array): string {
  let text = '';
  for (let i = 0; i < septets.length; i += 1) {
    const septet = septets[i]!;
    if (septet === ESCAPE && i + 1 < septets.length) {
      i += 1;
      text += extensionChar.get(septets[i]!) ?? ' ';
    } else text += BASIC[septet & 0x7f] ?? ' ';
  }
  return text;
}
