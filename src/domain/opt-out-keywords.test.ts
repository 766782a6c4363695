import { describe, expect, it } from 'vitest';
import { DEFAULT_KEYWORDS, keywordIntent } from './opt-out-keywords.js';

describe('keywordIntent', () => {
  it.each([
    ['STOP', 'opt-out'],
    ['  stop! ', 'opt-out'],
    ['Unsubscribe.', 'opt-out'],
    ['stop   all', 'opt-out'],
    ['START', 'opt-in'],
    ['start', 'opt-in'],
    ['please stop by later', 'none'],
    ['STOPPED', 'none'],
    ['', 'none'],
    [undefined, 'none'],
  ] as const)('%o → %s', (text, intent) => {
    expect(keywordIntent(text, DEFAULT_KEYWORDS)).toBe(intent);
  });

  it('uses configured keywords', () => {
    expect(keywordIntent('BAJA', { optOut: ['BAJA'], optIn: ['ALTA'] })).toBe('opt-out');
    expect(keywordIntent('STOP', { optOut: ['BAJA'], optIn: ['ALTA'] })).toBe('none');
  });
});
