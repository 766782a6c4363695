/**
 * Templates, written once for every engine: the send-time record preflight reads, and the review state (upstream id,
 * status, reason) that syncs, the API and Meta's review webhooks keep. How a save or a review changes that state is
 * the domain's (domain/templates/review.ts); this port reads the stored state and writes what the rule answers.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import { templateStatusEvent } from '../../domain/events.js';
import type { TemplateRecord, TemplateStatus } from '../../domain/template.js';
import { droppedBySync, reviewAfterSave, reviewChanged, type TemplateReview } from '../../domain/templates/review.js';
import type { StoredTemplate, TemplateStore } from '../controls-store.js';
import { insertEvent } from './event-rows.js';
import { toTemplate } from './rows.js';
import type { Database, TemplatesTable } from './schema.js';
import type { SqlEngine } from './sql-engine.js';

/** How long "this WABA has no templates" is believed before the table is asked again (another process may sync). */
const UNSYNCED_RECHECK_MS = 1000;

type Row = Selectable<TemplatesTable>;

const toStored = (r: Row): StoredTemplate => ({ ...toTemplate(r), upstreamId: r.upstream_id, reason: r.reason });
const reviewOf = (r: Pick<Row, 'status' | 'reason' | 'upstream_id'>): TemplateReview =>
  ({ status: r.status as TemplateStatus, reason: r.reason, upstreamId: r.upstream_id });
const keyOf = (t: { name: string; language: string }): string => `${t.name}\n${t.language}`;
/** Code-point order on both engines (a database collation may order `_` and letters otherwise). */
const byKey = (a: Row, b: Row): number => (a.waba_id + '\n' + keyOf(a) < b.waba_id + '\n' + keyOf(b) ? -1 : 1);

function toRow(t: StoredTemplate, review: TemplateReview): Insertable<TemplatesTable> {
  return {
    waba_id: t.wabaId, name: t.name, language: t.language, status: review.status, category: t.category,
    components: JSON.stringify(t.components), updated_at: t.updatedAt, upstream_id: review.upstreamId, reason: review.reason,
  };
}

export class SqlTemplates implements TemplateStore {
  /** Per WABA: true once any template was found (it stays so); otherwise when "none" was last read (epoch ms). */
  private readonly known = new Map<string, true | number>();

  constructor(private readonly engine: SqlEngine) {}

  private get db() {
    return this.engine.db;
  }

  /** The WABA's rows, locked where other writers could change them between this read and the write that follows. */
  private storedRows(trx: Kysely<Database>, wabaId: string, name?: string) {
    return trx.selectFrom('templates').selectAll().where('waba_id', '=', wabaId)
      .$if(name !== undefined, (q) => q.where('name', '=', name!))
      .$if(this.engine.capabilities.rowLocks, (q) => q.forUpdate())
      .execute();
  }

  /** Writes `templates` (one WABA's) as the review rule leaves each against `stored`; the last of a key wins. */
  private async write(trx: Kysely<Database>, stored: readonly Row[], templates: readonly StoredTemplate[]): Promise<void> {
    if (templates.length === 0) return;
    const before = new Map(stored.map((r) => [keyOf(r), reviewOf(r)]));
    const rows = new Map(templates.map((t) => [keyOf(t), toRow(t, reviewAfterSave(before.get(keyOf(t)), { status: t.status, reason: t.reason, upstreamId: t.upstreamId }))]));
    await trx.insertInto('templates').values([...rows.values()])
      .onConflict((oc) => oc.columns(['waba_id', 'name', 'language']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'), category: eb.ref('excluded.category'), components: eb.ref('excluded.components'),
        updated_at: eb.ref('excluded.updated_at'), upstream_id: eb.ref('excluded.upstream_id'), reason: eb.ref('excluded.reason'),
      })))
      .execute();
    this.known.set(templates[0]!.wabaId, true);
  }

  async saveTemplate(t: StoredTemplate): Promise<void> {
    await this.engine.transaction(async (trx) => this.write(trx, await this.storedRows(trx, t.wabaId, t.name), [t]));
  }

  /** A template as the send path knows it, without review state: what tests and the simulator's set-up record. */
  upsertTemplate(t: TemplateRecord): Promise<void> {
    return this.saveTemplate({ ...t, upstreamId: null, reason: null });
  }

  async listTemplates(wabaIds: readonly string[]): Promise<StoredTemplate[]> {
    if (wabaIds.length === 0) return [];
    const rows = await this.db.selectFrom('templates').selectAll().where('waba_id', 'in', wabaIds).execute();
    return rows.sort(byKey).map(toStored);
  }

  async findTemplate(wabaId: string, name: string, language: string): Promise<TemplateRecord | undefined> {
    const row = await this.db.selectFrom('templates').selectAll()
      .where('waba_id', '=', wabaId).where('name', '=', name).where('language', '=', language).executeTakeFirst();
    return row && toTemplate(row);
  }

  /**
   * Whether template sync ever ran for the WABA. Once true it stays true; "no" is asked again after a moment, in case
   * another process synced (this process's own saves answer "yes" at once).
   */
  async hasTemplates(wabaId: string): Promise<boolean> {
    const now = Date.now();
    const known = this.known.get(wabaId);
    if (known === true || (known !== undefined && now - known < UNSYNCED_RECHECK_MS)) return known === true;
    const found = (await this.db.selectFrom('templates').select('name').where('waba_id', '=', wabaId).limit(1).executeTakeFirst()) !== undefined;
    this.known.set(wabaId, found ? true : now);
    return found;
  }

  async deleteTemplate(wabaId: string, name: string, language?: string): Promise<number> {
    const result = await this.db.deleteFrom('templates').where('waba_id', '=', wabaId).where('name', '=', name)
      .$if(language !== undefined, (q) => q.where('language', '=', language!))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Raises template.status to every account with a number of the WABA, once per template whose review changed. */
  async setTemplateStatus(wabaId: string, name: string, language: string | undefined, status: TemplateStatus, reason: string | null, now: number): Promise<boolean> {
    return this.engine.transaction(async (trx) => {
      const matching = (await this.storedRows(trx, wabaId, name)).filter((r) => language === undefined || r.language === language);
      if (matching.length === 0) return false;
      await trx.updateTable('templates').set({ status, reason, updated_at: now })
        .where('waba_id', '=', wabaId).where('name', '=', name).where('language', 'in', matching.map((r) => r.language))
        .execute();
      const changed = matching.filter((r) => reviewChanged(reviewOf(r), status, reason));
      if (changed.length === 0) return true;
      const owners = await trx.selectFrom('phone_numbers').select('account_id').distinct()
        .where('waba_id', '=', wabaId).where('account_id', 'is not', null).execute();
      for (const { account_id: accountId } of owners)
        for (const t of changed)
          await insertEvent(trx, templateStatusEvent({ accountId: accountId!, wabaId, name, language: t.language, status, reason }), now).execute();
      return true;
    });
  }

  /** A full sync of one WABA in one transaction: what the upstream lists is saved, what it no longer lists goes. */
  async replaceTemplates(wabaId: string, templates: readonly StoredTemplate[]): Promise<void> {
    await this.engine.transaction(async (trx) => {
      const stored = await this.storedRows(trx, wabaId);
      await this.write(trx, stored, templates);
      for (const gone of droppedBySync(stored, templates))
        await trx.deleteFrom('templates').where('waba_id', '=', wabaId).where('name', '=', gone.name).where('language', '=', gone.language).execute();
    });
  }
}
