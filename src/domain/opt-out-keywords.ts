/** Whether a customer's words ask to stop or to start receiving messages: STOP/UNSUBSCRIBE and START by default. */

export interface KeywordConfig {
  readonly optOut: readonly string[];
  readonly optIn: readonly string[];
}

export const DEFAULT_KEYWORDS: KeywordConfig = { optOut: ['STOP', 'UNSUBSCRIBE', 'STOP ALL', 'OPT OUT'], optIn: ['START', 'SUBSCRIBE', 'UNSTOP'] };

export type KeywordIntent = 'opt-out' | 'opt-in' | 'none';

/** The whole message must be the keyword (case, spacing and trailing punctuation aside): "stop by later" is not STOP. */
export function keywordIntent(text: string | undefined, config: KeywordConfig): KeywordIntent {
  if (text === undefined) return 'none';
  const normalized = text.trim().replace(/[.!\s]+$/u, '').replace(/\s+/g, ' ').toUpperCase();
  if (config.optOut.includes(normalized)) return 'opt-out';
  if (config.optIn.includes(normalized)) return 'opt-in';
  return 'none';
}
