import { describe, expect, it } from 'vitest';
import { droppedBySync, reviewAfterSave, reviewChanged, type TemplateReview } from './review.js';

const rejected: TemplateReview = { status: 'rejected', reason: 'INVALID_FORMAT', upstreamId: '123' };

describe('template review', () => {
  it('keeps the known upstream id, and the reason while the status stays, when a save lacks them', () => {
    expect(reviewAfterSave(undefined, { status: 'pending', reason: null, upstreamId: null })).toEqual({ status: 'pending', reason: null, upstreamId: null });
    expect(reviewAfterSave(rejected, { status: 'rejected', reason: null, upstreamId: null })).toEqual(rejected);
    expect(reviewAfterSave(rejected, { status: 'rejected', reason: 'OTHER', upstreamId: '456' })).toEqual({ status: 'rejected', reason: 'OTHER', upstreamId: '456' });
    expect(reviewAfterSave(rejected, { status: 'approved', reason: null, upstreamId: null })).toEqual({ status: 'approved', reason: null, upstreamId: '123' });
  });

  it('calls a review news when its status or its reason differs', () => {
    expect(reviewChanged(rejected, 'rejected', 'INVALID_FORMAT')).toBe(false);
    expect(reviewChanged(rejected, 'rejected', null)).toBe(true);
    expect(reviewChanged(rejected, 'approved', 'INVALID_FORMAT')).toBe(true);
  });

  it('drops the stored templates a sync no longer lists, by name and language', () => {
    const stored = [{ name: 'a', language: 'en' }, { name: 'a', language: 'de' }, { name: 'b', language: 'en' }];
    expect(droppedBySync(stored, [{ name: 'a', language: 'en' }, { name: 'c', language: 'en' }])).toEqual([stored[1], stored[2]]);
    expect(droppedBySync(stored, [])).toEqual(stored);
  });
});
