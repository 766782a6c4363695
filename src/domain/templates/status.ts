/** Meta's template review statuses (Graph and `message_template_status_update` webhooks) as Switchboard records them. */
import type { TemplateStatus } from '../template.js';

const BY_GRAPH: Readonly<Record<string, TemplateStatus>> = {
  APPROVED: 'approved',
  PENDING: 'pending',
  IN_APPEAL: 'pending',
  REJECTED: 'rejected',
  PAUSED: 'paused',
  DISABLED: 'disabled',
  // A template over the WABA's limit, or being deleted, cannot be sent: both read as disabled.
  LIMIT_EXCEEDED: 'disabled',
  PENDING_DELETION: 'disabled',
};

/** undefined for events that are not a review status (e.g. FLAGGED, which only warns, or DELETED). */
export function templateStatusOf(graphStatus: string): TemplateStatus | undefined {
  return BY_GRAPH[graphStatus.toUpperCase()];
}

/** Meta's reason `NONE` means no reason. */
export function reviewReasonOf(reason: unknown): string | null {
  return typeof reason === 'string' && reason !== '' && reason.toUpperCase() !== 'NONE' ? reason : null;
}
