/** Turns the raw HTTP answer (bytes, headers) into text, JSON or an HTML page, without ever throwing on bad input. */

export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/** Upper bound on what we keep of a body we cannot read, so a runaway error page cannot bloat the store. */
export const EXCERPT_CHARS = 2048;

export function bodyText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : new TextDecoder().decode(body);
}

/** Header names are case-insensitive; a repeated header counts by its first value. */
export function headerValue(headers: HeaderMap | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
  return Array.isArray(found) ? found[0] : found;
}

/**
 * Parsed JSON, or undefined when the text is not JSON. The Content-Type is not trusted either way:
 * providers send JSON errors as text/html and truncated "JSON" as application/json.
 */
export function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

export function isHtmlPage(text: string, contentType: string | undefined): boolean {
  return /\bhtml\b/i.test(contentType ?? '') || /^\s*<(!doctype\s+html|html|head|body)\b/i.test(text);
}

export function htmlTitle(html: string): string | undefined {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.replace(/\s+/g, ' ').trim();
  return title === '' ? undefined : title;
}

export function excerpt(text: string): string {
  return text.trim().slice(0, EXCERPT_CHARS);
}
