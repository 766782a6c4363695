/** Batch planning: limit, refused and dropped duplicates, invalid items left to fail alone. */
import { describe, expect, it } from 'vitest';
import { planBatch } from './batch.js';

describe('planBatch', () => {
  it('refuses lists over the limit', () => {
    const d = planBatch(['1', '2', '3'], 'drop', 2);
    expect(d.kind === 'refuse' && d.error.entry.code).toBe('destination_list_too_large');
  });
  it('refuses duplicates when asked, naming the second occurrence', () => {
    const d = planBatch(['1', '2', '1'], 'refuse', 10);
    expect(d.kind === 'refuse' && [d.error.entry.code, d.error.field]).toEqual(['destination_duplicated', 'messages[2].to']);
  });
  it('drops later duplicates, pointing at the first', () => {
    const d = planBatch(['1', '2', '1', undefined, '2'], 'drop', 10);
    expect(d.kind === 'plan' && [...d.dropped]).toEqual([[2, 0], [4, 1]]);
  });
});
