/** How deep a JSON text nests, read without parsing it: the guard every JSON body passes before `JSON.parse`. */

/**
 * Deepest nesting of arrays and objects a body may have. Meta's own payloads (interactive messages, template
 * components) stay under 10; anything deeper only costs stack further on (fingerprints, validation, serialisation).
 */
export const MAX_JSON_DEPTH = 64;

/** True when `text` opens more than `limit` arrays/objects at once; brackets inside strings do not count. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}
