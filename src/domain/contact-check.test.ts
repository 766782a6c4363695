/** What the upstream's contact answers mean, as a table. */
import { describe, expect, it } from 'vitest';
import { decideContactStatuses } from './contact-check.js';

describe('decideContactStatuses', () => {
  it.each([
    ['an answer with a plus sign', [{ input: '+49151', status: 'valid' }], 'valid'],
    ['an explicit invalid', [{ input: '49151', status: 'invalid' }], 'invalid'],
    ['an unknown status word', [{ input: '49151', status: 'processing' }], 'invalid'],
    ['no answer at all', [], 'invalid'],
  ])('reads %s', (_name, answers, status) => {
    expect(decideContactStatuses(['49151'], answers)).toEqual(new Map([['49151', status]]));
  });
});
