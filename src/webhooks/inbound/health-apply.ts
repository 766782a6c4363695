/** Applies Meta's health events through the store; each write is idempotent, like every applied webhook. */
import type { MetaHealthEvent } from '../../domain/meta-health-events.js';
import type { HealthStore } from '../../store/health-store.js';

export type HealthWriter = Pick<HealthStore, 'applyNumberQuality' | 'applyAccountUpdate' | 'applyTemplateQuality' | 'applyTemplateCategory' | 'applyPricing'>;

export function applyHealthEvent(writer: HealthWriter | undefined, event: MetaHealthEvent, now: number): Promise<void> {
  if (!writer) return Promise.resolve();
  switch (event.kind) {
    case 'number_quality':
      return writer.applyNumberQuality(event, now);
    case 'account_update':
      return writer.applyAccountUpdate(event, now);
    case 'template_quality':
      return writer.applyTemplateQuality(event, now);
    case 'template_category':
      return writer.applyTemplateCategory(event, now);
  }
}
