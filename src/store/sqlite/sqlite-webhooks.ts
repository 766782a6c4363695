/** SQLite's side of the customer-webhook model: endpoints, fan-out, loading claimed deliveries, attempt outcomes, replays, backlog. */
import { endpointDisabledEvent, type EventType } from '../../domain/events.js';
import type {
  AttemptRecord, DeliveryJob, DeliveryTask, EndpointPatch, EndpointRecord, NewEndpoint, ReplayRequest, SettledAttempt, SigningEndpoint, WebhookStore,
} from '../webhook-store.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secret-box.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { SqliteEvents } from './sqlite-events.js';

interface EndpointRow {
  id: string; account_id: string; url: string; description: string | null; event_types: string; secret_sealed: string;
  previous_secret_sealed: string | null; previous_secret_until: number | null; enabled: number; disabled_reason: string | null;
  rate_limit_per_second: number | null; failing_since: number | null; created_at: number; updated_at: number;
}
interface TaskRow {
  id: string; event_id: string; endpoint_id: string; account_id: string; attempts: number; manual: number; type: string;
  payload: string; event_at: number;
}
interface AttemptRow {
  id: string; endpoint_id: string; delivery_id: string | null; event_id: string; url: string; trigger: string; outcome: string;
  status_code: number | null; duration_ms: number; response_excerpt: string | null; next_attempt_at: number | null; created_at: number;
}

function toEndpoint(row: EndpointRow): EndpointRecord {
  return {
    id: row.id, accountId: row.account_id, url: row.url, description: row.description,
    eventTypes: JSON.parse(row.event_types) as EventType[], enabled: row.enabled === 1, disabledReason: row.disabled_reason,
    rateLimitPerSecond: row.rate_limit_per_second, failingSince: row.failing_since, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

function toTask(row: TaskRow): DeliveryTask {
  return {
    deliveryId: row.id, eventId: row.event_id, endpointId: row.endpoint_id, accountId: row.account_id, eventType: row.type as EventType,
    eventAt: row.event_at, data: row.payload, attempts: row.attempts, trigger: row.manual === 1 ? 'manual' : 'scheduled',
  };
}

function toAttempt(row: AttemptRow): AttemptRecord {
  const outcome = row.outcome === 'status' ? { kind: 'status' as const, status: row.status_code ?? 0 } : { kind: row.outcome as 'delivered' | 'timeout' | 'network' };
  return {
    id: row.id, endpointId: row.endpoint_id, deliveryId: row.delivery_id, eventId: row.event_id, url: row.url,
    trigger: row.trigger as AttemptRecord['trigger'], outcome, statusCode: row.status_code, durationMs: row.duration_ms,
    excerpt: row.response_excerpt, nextAttemptAt: row.next_attempt_at, createdAt: row.created_at,
  };
}

const PATCH_COLUMNS = { url: 'url', description: 'description', eventTypes: 'event_types', enabled: 'enabled', rateLimitPerSecond: 'rate_limit_per_second' } as const;

export class SqliteWebhooks implements WebhookStore {
  private readonly events: SqliteEvents;
  private readonly stmts;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly secrets: SecretBox,
  ) {
    this.events = new SqliteEvents(db);
    this.stmts = {
      endpoint: db.prepare('SELECT * FROM webhook_endpoints WHERE id = ?'),
      endpointOf: db.prepare('SELECT * FROM webhook_endpoints WHERE id = ? AND account_id = ?'),
      endpoints: db.prepare('SELECT * FROM webhook_endpoints WHERE account_id = ? ORDER BY id'),
      unmarked: db.prepare('SELECT id, account_id, type FROM events WHERE fanned_out_at IS NULL ORDER BY id LIMIT ?'),
      enabledOf: db.prepare('SELECT id, event_types FROM webhook_endpoints WHERE account_id = ? AND enabled = 1'),
      insertDelivery: db.prepare(
        `INSERT OR IGNORE INTO webhook_deliveries (id, event_id, endpoint_id, account_id, status, attempts, manual, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
      ),
      mark: db.prepare('UPDATE events SET fanned_out_at = ? WHERE id = ?'),
      pendingEndpoints: db.prepare(
        `SELECT e.id FROM webhook_endpoints e WHERE e.enabled = 1
           AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending')`,
      ).pluck(),
      claimed: db.prepare(
        `SELECT d.id, d.event_id, d.endpoint_id, d.account_id, d.attempts, d.manual, e.type, e.payload, e.created_at AS event_at
         FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
         WHERE d.id IN (SELECT value FROM json_each(?))`,
      ),
      insertAttempt: db.prepare(
        `INSERT INTO webhook_attempts (id, endpoint_id, delivery_id, event_id, url, trigger, outcome, status_code, duration_ms, response_excerpt, next_attempt_at, created_at)
         VALUES (@id, @endpointId, @deliveryId, @eventId, @url, @trigger, @outcome, @statusCode, @durationMs, @excerpt, @nextAttemptAt, @at)`,
      ),
      delivered: db.prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, manual = 0, next_attempt_at = NULL, lease_owner = NULL,
           lease_expires_at = NULL, updated_at = ? WHERE id = ?`,
      ),
      // A delivery failed meanwhile (its endpoint was disabled) stays failed: only pending ones move on.
      retry: db.prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE id = ? AND status = 'pending'`,
      ),
      failed: db.prepare(
        `UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1, manual = 0, next_attempt_at = NULL, lease_owner = NULL,
           lease_expires_at = NULL, updated_at = ? WHERE id = ? AND status = 'pending'`,
      ),
      succeeded: db.prepare('UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL'),
      failing: db.prepare('UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL'),
      disable: db.prepare('UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1'),
      failPending: db.prepare(
        `UPDATE webhook_deliveries SET status = 'failed', manual = 0, next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE endpoint_id = ? AND status = 'pending'`,
      ),
      attempts: db.prepare('SELECT * FROM webhook_attempts WHERE endpoint_id = ? AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?'),
      // Each count stops at the limit: the send path only asks whether the cap is reached, so a huge backlog costs no
      // more to check than the cap does.
      // Events not yet fanned out count only for an account with an enabled endpoint: without one they will never
      // become deliveries, and must not hold up its sends while the worker is behind or stopped.
      backlog: db.prepare(
        `SELECT (SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries WHERE account_id = @account AND status = 'pending' LIMIT @limit))
              + CASE WHEN EXISTS (SELECT 1 FROM webhook_endpoints WHERE account_id = @account AND enabled = 1)
                THEN (SELECT count(*) FROM (SELECT 1 FROM events WHERE fanned_out_at IS NULL AND account_id = @account LIMIT @limit))
                ELSE 0 END`,
      ).pluck(),
    };
  }

  /**
   * A transaction that reads before it writes takes the write lock first: in WAL mode a read snapshot older than the
   * writer thread's last commit cannot be upgraded, and SQLite then fails at once instead of waiting (SQLITE_BUSY).
   */
  private immediate<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  async createEndpoint(input: NewEndpoint, now: number): Promise<EndpointRecord> {
    const id = newId('ep', now);
    this.db
      .prepare(
        `INSERT INTO webhook_endpoints (id, account_id, url, description, event_types, secret_sealed, enabled, rate_limit_per_second, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.accountId, input.url, input.description ?? null, JSON.stringify(input.eventTypes ?? []), this.secrets.seal(input.secret),
        input.enabled === false ? 0 : 1, input.rateLimitPerSecond ?? null, now, now);
    return toEndpoint(this.stmts.endpoint.get(id) as EndpointRow);
  }

  async getEndpoint(accountId: string, id: string): Promise<EndpointRecord | undefined> {
    const row = this.stmts.endpointOf.get(id, accountId) as EndpointRow | undefined;
    return row ? toEndpoint(row) : undefined;
  }

  async listEndpoints(accountId: string): Promise<EndpointRecord[]> {
    return (this.stmts.endpoints.all(accountId) as EndpointRow[]).map(toEndpoint);
  }

  async updateEndpoint(accountId: string, id: string, patch: EndpointPatch, now: number): Promise<EndpointRecord | undefined> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as [keyof EndpointPatch, unknown][];
    const values = entries.map(([k, v]) => (k === 'eventTypes' ? JSON.stringify(v) : k === 'enabled' ? (v ? 1 : 0) : v));
    const sets = entries.map(([k]) => `${PATCH_COLUMNS[k]} = ?`);
    if (patch.enabled === true) sets.push('disabled_reason = NULL', 'failing_since = NULL');
    if (patch.enabled === false) sets.push(`disabled_reason = 'disabled through the API'`);
    return this.db.transaction(() => {
      const changed = this.db.prepare(`UPDATE webhook_endpoints SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ? AND account_id = ?`).run(...values, now, id, accountId);
      if (changed.changes === 0) return undefined;
      // A disabled endpoint receives nothing: its pending deliveries fail now (kept for replay) instead of blocking the backlog.
      if (patch.enabled === false) this.stmts.failPending.run(now, id);
      return toEndpoint(this.stmts.endpoint.get(id) as EndpointRow);
    })();
  }

  async deleteEndpoint(accountId: string, id: string): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.db.prepare('DELETE FROM webhook_endpoints WHERE id = ? AND account_id = ?').run(id, accountId).changes === 0) return false;
      this.db.prepare('DELETE FROM webhook_deliveries WHERE endpoint_id = ?').run(id);
      this.db.prepare('DELETE FROM webhook_attempts WHERE endpoint_id = ?').run(id);
      return true;
    })();
  }

  async rotateSecret(accountId: string, id: string, secret: string, graceUntil: number, now: number): Promise<EndpointRecord | undefined> {
    const changed = this.db
      .prepare(
        `UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, previous_secret_until = ?, secret_sealed = ?, updated_at = ?
         WHERE id = ? AND account_id = ?`,
      )
      .run(graceUntil, this.secrets.seal(secret), now, id, accountId);
    return changed.changes === 0 ? undefined : this.getEndpoint(accountId, id);
  }

  async getSigningEndpoint(id: string, now: number): Promise<SigningEndpoint | undefined> {
    const row = this.stmts.endpoint.get(id) as EndpointRow | undefined;
    if (!row) return undefined;
    const secrets = [this.secrets.open(row.secret_sealed)];
    if (row.previous_secret_sealed && (row.previous_secret_until ?? 0) > now) secrets.push(this.secrets.open(row.previous_secret_sealed));
    return { ...toEndpoint(row), secrets };
  }

  async fanOutEvents(now: number, limit: number): Promise<{ events: number; endpointIds: string[] }> {
    return this.immediate(() => {
      const events = this.stmts.unmarked.all(limit) as { id: string; account_id: string; type: string }[];
      const byAccount = new Map<string, { id: string; types: string[] }[]>();
      const touched = new Set<string>();
      for (const event of events) {
        let endpoints = byAccount.get(event.account_id);
        if (!endpoints) {
          endpoints = (this.stmts.enabledOf.all(event.account_id) as { id: string; event_types: string }[]).map((r) => ({ id: r.id, types: JSON.parse(r.event_types) as string[] }));
          byAccount.set(event.account_id, endpoints);
        }
        for (const endpoint of endpoints) {
          if (endpoint.types.length > 0 && !endpoint.types.includes(event.type)) continue;
          this.stmts.insertDelivery.run(newId('dlv', now), event.id, endpoint.id, event.account_id, 0, now, now, now);
          touched.add(endpoint.id);
        }
        this.stmts.mark.run(now, event.id);
      }
      return { events: events.length, endpointIds: [...touched] };
    });
  }

  async endpointsWithPendingDeliveries(): Promise<string[]> {
    return this.stmts.pendingEndpoints.all() as string[];
  }

  async loadDeliveries(jobs: readonly DeliveryJob[]): Promise<DeliveryTask[]> {
    if (jobs.length === 0) return [];
    const rows = new Map((this.stmts.claimed.all(JSON.stringify(jobs.map((j) => j.id))) as TaskRow[]).map((row) => [row.id, row]));
    return jobs.flatMap((job) => {
      const row = rows.get(job.id);
      return row ? [toTask(row)] : [];
    });
  }

  async settleAttempts(settled: readonly SettledAttempt[]): Promise<void> {
    this.db.transaction(() => {
      for (const s of settled) {
        const { task, result, at, next } = s;
        this.stmts.insertAttempt.run({
          id: newId('atmpt', at), endpointId: task.endpointId, deliveryId: task.deliveryId, eventId: task.eventId, url: s.url, trigger: task.trigger,
          outcome: result.outcome.kind, statusCode: result.statusCode, durationMs: Math.round(result.durationMs), excerpt: result.excerpt,
          nextAttemptAt: next.kind === 'retry' ? next.at : null, at,
        });
        if (next.kind === 'delivered') {
          this.stmts.delivered.run(at, task.deliveryId);
          this.stmts.succeeded.run(task.endpointId);
          continue;
        }
        if (next.kind === 'retry') this.stmts.retry.run(next.at, at, task.deliveryId);
        else this.stmts.failed.run(at, task.deliveryId);
        this.stmts.failing.run(at, task.endpointId);
      }
    })();
  }

  async disableEndpoint(id: string, reason: string, now: number): Promise<boolean> {
    return this.immediate(() => {
      const row = this.stmts.endpoint.get(id) as EndpointRow | undefined;
      if (!row || this.stmts.disable.run(reason, now, id).changes === 0) return false;
      this.stmts.failPending.run(now, id);
      this.events.append(
        endpointDisabledEvent({ accountId: row.account_id, endpointId: id, url: row.url, reason, failingSince: row.failing_since }),
        now,
      );
      return true;
    });
  }

  async recordTestAttempt(attempt: Omit<AttemptRecord, 'id' | 'deliveryId' | 'nextAttemptAt'>): Promise<AttemptRecord> {
    const id = newId('atmpt', attempt.createdAt);
    this.stmts.insertAttempt.run({
      id, endpointId: attempt.endpointId, deliveryId: null, eventId: attempt.eventId, url: attempt.url, trigger: attempt.trigger,
      outcome: attempt.outcome.kind, statusCode: attempt.statusCode, durationMs: Math.round(attempt.durationMs), excerpt: attempt.excerpt,
      nextAttemptAt: null, at: attempt.createdAt,
    });
    return { ...attempt, id, deliveryId: null, nextAttemptAt: null };
  }

  async listAttempts(endpointId: string, options: { limit: number; cursor?: string }): Promise<{ attempts: AttemptRecord[]; nextCursor: string | null }> {
    const cursor = options.cursor ?? null;
    const rows = this.stmts.attempts.all(endpointId, cursor, cursor, options.limit + 1) as AttemptRow[];
    const page = rows.slice(0, options.limit);
    return { attempts: page.map(toAttempt), nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null };
  }

  async replay(endpointId: string, request: ReplayRequest, now: number): Promise<number> {
    const since = request.since ?? 0;
    const until = request.until ?? Number.MAX_SAFE_INTEGER;
    return this.immediate(() => {
      const row = this.stmts.endpoint.get(endpointId) as EndpointRow | undefined;
      if (!row) return 0;
      const states = request.failedOnly ? `('failed')` : `('failed', 'delivered')`;
      let count = this.db
        .prepare(
          `UPDATE webhook_deliveries SET status = 'pending', manual = 1, next_attempt_at = @now, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
           WHERE endpoint_id = @endpoint AND status IN ${states}
             AND event_id IN (SELECT id FROM events WHERE account_id = @account AND created_at >= @since AND created_at < @until)`,
        )
        .run({ now, endpoint: endpointId, account: row.account_id, since, until }).changes;
      if (request.failedOnly) return count;
      // Events of the range the endpoint never got (created, or disabled, after them): one manual delivery each.
      const missing = this.db
        .prepare(
          `SELECT e.id FROM events e WHERE e.account_id = @account AND e.created_at >= @since AND e.created_at < @until
             AND (@types = '[]' OR e.type IN (SELECT value FROM json_each(@types)))
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.endpoint_id = @endpoint)`,
        )
        .pluck()
        .all({ account: row.account_id, since, until, types: row.event_types, endpoint: endpointId }) as string[];
      for (const eventId of missing) this.stmts.insertDelivery.run(newId('dlv', now), eventId, endpointId, row.account_id, 1, now, now, now);
      count += missing.length;
      return count;
    });
  }

  async countBacklog(accountId: string, atMost = Number.MAX_SAFE_INTEGER): Promise<number> {
    return this.stmts.backlog.get({ account: accountId, limit: atMost }) as number;
  }
}
