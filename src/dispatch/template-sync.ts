/**
 * Periodic template sync: for every WABA with a number, lists the upstream's templates and replaces what the store
 * holds for it, so review results reach preflight even when a template webhook was missed.
 */
import { reviewReasonOf, templateStatusOf } from '../domain/templates/status.js';
import type { TemplateComponentDefinition } from '../domain/template.js';
import type { StoredTemplate } from '../store/controls-store.js';
import type { Store } from '../store/store.js';
import type { GraphTemplate, TemplateUpstream } from './graph-management-client.js';

export interface TemplateSyncOptions {
  readonly store: Store;
  readonly client: TemplateUpstream;
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly intervalMs: number;
  readonly now: () => number;
  readonly onError?: (wabaId: string, error: unknown) => void;
}

export function toStoredTemplate(t: GraphTemplate, wabaId: string, now: number): StoredTemplate | undefined {
  const status = templateStatusOf(t.status);
  if (!status) return undefined;
  return {
    wabaId, name: t.name, language: t.language, status, category: t.category.toUpperCase(),
    components: t.components as unknown as TemplateComponentDefinition[], updatedAt: now,
    upstreamId: t.id ?? null, reason: reviewReasonOf(t.rejected_reason),
  };
}

export class TemplateSync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: TemplateSyncOptions) {}

  /** Syncs one WABA with the token of any of its numbers; answers how many templates it holds upstream. */
  async syncWaba(wabaId: string): Promise<number> {
    const { store, client, baseUrl, apiVersion, now } = this.options;
    const number = (await store.listNumbers({})).find((n) => n.wabaId === wabaId && n.hasAccessToken);
    const accessToken = number ? await store.getAccessToken(number.id) : undefined;
    if (!accessToken) return 0;
    const listed = await client.listTemplates({ baseUrl, apiVersion, accessToken }, wabaId);
    const at = now();
    const templates = listed.map((t) => toStoredTemplate(t, wabaId, at)).filter((t): t is StoredTemplate => t !== undefined);
    await store.templates.replaceTemplates(wabaId, templates);
    return templates.length;
  }

  async syncAll(): Promise<void> {
    const wabaIds = new Set((await this.options.store.listNumbers({})).filter((n) => n.hasAccessToken).map((n) => n.wabaId));
    for (const wabaId of wabaIds) {
      try {
        await this.syncWaba(wabaId);
      } catch (error) {
        // One WABA's failure (a revoked token, an outage) must not stop the others.
        this.options.onError?.(wabaId, error);
      }
    }
  }

  start(): void {
    if (this.timer) return;
    const run = () => {
      this.running ??= this.syncAll().finally(() => (this.running = undefined));
    };
    run();
    this.timer = setInterval(run, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
