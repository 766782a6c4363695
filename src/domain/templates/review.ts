/** How a template's review state changes when a sync or the API saves it, and when a review webhook reports on it. */
import type { TemplateStatus } from '../template.js';

export interface TemplateReview {
  readonly status: TemplateStatus;
  /** Why the review ended as it did (a rejection's reason); null when the upstream gave none. */
  readonly reason: string | null;
  /** The upstream's id of the template; null when not known. */
  readonly upstreamId: string | null;
}

/**
 * The review a save leaves: a save that lacks the upstream id keeps the known one, and a save that lacks the reason
 * keeps the recorded one while the status stays (a sync does not carry the reason a webhook gave).
 */
export function reviewAfterSave(stored: TemplateReview | undefined, saved: TemplateReview): TemplateReview {
  if (!stored) return saved;
  return {
    status: saved.status,
    upstreamId: saved.upstreamId ?? stored.upstreamId,
    reason: saved.status === stored.status ? (saved.reason ?? stored.reason) : saved.reason,
  };
}

/** Whether a reported review changes the stored one, and so is news to the accounts that send with the template. */
export function reviewChanged(stored: Pick<TemplateReview, 'status' | 'reason'>, status: TemplateStatus, reason: string | null): boolean {
  return stored.status !== status || stored.reason !== reason;
}

export interface TemplateKey {
  readonly name: string;
  readonly language: string;
}

/** The stored templates of a WABA that a full sync drops: those the upstream no longer lists. */
export function droppedBySync<T extends TemplateKey>(stored: readonly T[], synced: readonly TemplateKey[]): T[] {
  const kept = new Set(synced.map((t) => `${t.name}\n${t.language}`));
  return stored.filter((t) => !kept.has(`${t.name}\n${t.language}`));
}
