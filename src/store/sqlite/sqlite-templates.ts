/** SQLite's template review state: templates created through the API or synced, with the upstream id and the review reason. */
import { templateStatusEvent } from '../../domain/events.js';
import type { TemplateStatus } from '../../domain/template.js';
import type { StoredTemplate, TemplateStore } from '../controls-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteEvents } from './sqlite-events.js';
import { toTemplate, type TemplateRow } from './sqlite-rows.js';

type Row = TemplateRow & { upstream_id: string | null; reason: string | null };

const toStored = (r: Row): StoredTemplate => ({ ...toTemplate(r), upstreamId: r.upstream_id, reason: r.reason });

export class SqliteTemplates implements TemplateStore {
  private readonly events: SqliteEvents;
  private readonly stmts;

  constructor(private readonly db: SqliteDatabase) {
    this.events = new SqliteEvents(db);
    this.stmts = {
      // An upsert, not INSERT OR REPLACE: a sync that lacks the reason must not erase what a webhook recorded.
      save: db.prepare(
        `INSERT INTO templates (waba_id, name, language, status, category, components, updated_at, upstream_id, reason)
         VALUES (@wabaId, @name, @language, @status, @category, @components, @updatedAt, @upstreamId, @reason)
         ON CONFLICT (waba_id, name, language) DO UPDATE SET status = excluded.status, category = excluded.category,
           components = excluded.components, updated_at = excluded.updated_at, upstream_id = COALESCE(excluded.upstream_id, upstream_id),
           reason = CASE WHEN excluded.status = templates.status THEN COALESCE(excluded.reason, templates.reason) ELSE excluded.reason END`,
      ),
      matching: db.prepare(
        `SELECT language, status, reason FROM templates WHERE waba_id = @wabaId AND name = @name AND (@language IS NULL OR language = @language)`,
      ),
      status: db.prepare(
        `UPDATE templates SET status = @status, reason = @reason, updated_at = @now
         WHERE waba_id = @wabaId AND name = @name AND (@language IS NULL OR language = @language)`,
      ),
      owners: db.prepare('SELECT DISTINCT account_id FROM phone_numbers WHERE waba_id = ? AND account_id IS NOT NULL').pluck(),
      list: db.prepare('SELECT * FROM templates WHERE waba_id IN (SELECT value FROM json_each(?)) ORDER BY waba_id, name, language'),
      delete: db.prepare('DELETE FROM templates WHERE waba_id = ? AND name = ? AND (? IS NULL OR language = ?)'),
      keys: db.prepare('SELECT name, language FROM templates WHERE waba_id = ?'),
    };
  }

  async saveTemplate(t: StoredTemplate): Promise<void> {
    this.stmts.save.run({
      wabaId: t.wabaId, name: t.name, language: t.language, status: t.status, category: t.category,
      components: JSON.stringify(t.components), updatedAt: t.updatedAt, upstreamId: t.upstreamId, reason: t.reason,
    });
  }

  async listTemplates(wabaIds: readonly string[]): Promise<StoredTemplate[]> {
    return (this.stmts.list.all(JSON.stringify(wabaIds)) as Row[]).map(toStored);
  }

  async deleteTemplate(wabaId: string, name: string, language?: string): Promise<number> {
    return this.stmts.delete.run(wabaId, name, language ?? null, language ?? null).changes;
  }

  /** Raises template.status to every account with a number of the WABA, once per template whose review changed. */
  async setTemplateStatus(wabaId: string, name: string, language: string | undefined, status: TemplateStatus, reason: string | null, now: number): Promise<boolean> {
    const where = { wabaId, name, language: language ?? null };
    return this.db.transaction(() => {
      const before = this.stmts.matching.all(where) as { language: string; status: string; reason: string | null }[];
      this.stmts.status.run({ ...where, status, reason, now });
      const changed = before.filter((t) => t.status !== status || t.reason !== reason);
      for (const accountId of this.stmts.owners.all(wabaId) as string[])
        for (const t of changed) this.events.append(templateStatusEvent({ accountId, wabaId, name, language: t.language, status, reason }), now);
      return before.length > 0;
    }).immediate();
  }

  async replaceTemplates(wabaId: string, templates: readonly StoredTemplate[]): Promise<void> {
    const keep = new Set(templates.map((t) => `${t.name}\n${t.language}`));
    this.db.transaction(() => {
      for (const t of templates) void this.saveTemplate(t);
      for (const row of this.stmts.keys.all(wabaId) as { name: string; language: string }[])
        if (!keep.has(`${row.name}\n${row.language}`)) this.stmts.delete.run(wabaId, row.name, row.language, row.language);
    })();
  }
}
