// Which bodies carry a NUL character (refused: PostgreSQL cannot store one in text) and which only look like they do.
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../catalog/switchboard-error.js';
import { parseJsonBody } from './json-body.js';

const codeOf = (text: string): string | number | undefined => {
  try {
    parseJsonBody(text);
    return undefined;
  } catch (error) {
    return error instanceof SwitchboardError ? error.entry.code : 'not a catalog error';
  }
};

describe('parseJsonBody and NUL characters', () => {
  it.each([
    ['an escaped NUL', '{"a":"x\\u0000"}'],
    ['an escaped NUL after an escaped backslash', '{"a":"\\\\\\u0000"}'],
    ['a raw NUL', '{"a":"x\u0000"}'],
  ])('refuses %s', (_case, text) => {
    expect(codeOf(text)).toBe('invalid_request');
  });

  it('reads a backslash followed by the letters u0000, which is no NUL', () => {
    expect(parseJsonBody('{"a":"\\\\u0000"}')).toEqual({ a: '\\u0000' });
  });
});
