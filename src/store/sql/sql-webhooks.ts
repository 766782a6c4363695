/**
 * The customer-webhook model, written once for every engine: endpoints, the fan-out of events into deliveries, loading
 * claimed deliveries, attempt outcomes, replays and the backlog count. The rules (which endpoint wants an event, the
 * failure streak, what a replay sends, what the backlog counts) come from the domain; this persists what they decide.
 */
import { endpointDisabledEvent } from '../../domain/events.js';
import { undeliveredEvents, replayScope } from '../../domain/webhook-delivery.js';
import { enablementChange, planDeliveries, signingSecrets, subscribesToAll } from '../../domain/webhook-endpoint.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secret-box.js';
import type {
  AttemptRecord, DeliveryJob, DeliveryTask, EndpointPatch, EndpointRecord, NewEndpoint, ReplayRequest, SettledAttempt, SigningEndpoint, WebhookStore,
} from '../webhook-store.js';
import { insertEvent } from './event-rows.js';
import type { SqlEngine } from './sql-engine.js';
import { eachSlot, paddedIdRuns, perLength, precompile } from './precompiled.js';
import { failPending, WebhookWrites } from './webhook-writes.js';
import { PENDING_DELIVERY, toAttempt, toEndpoint, toTask, type EndpointRow, type TaskRow } from './webhook-rows.js';

export interface SqlWebhooksOptions {
  readonly secrets: SecretBox;
}

export class SqlWebhooks implements WebhookStore {
  private readonly writes: WebhookWrites;
  // Precompiled (see precompiled.ts): the worker loads and marks all the time, and the send path counts the backlog.
  private readonly loadRun;
  private readonly markRun;
  private readonly backlog;

  constructor(
    private readonly engine: SqlEngine,
    private readonly options: SqlWebhooksOptions,
  ) {
    const db = engine.db;
    this.writes = new WebhookWrites(db);
    this.loadRun = perLength((n) => precompile<readonly string[], TaskRow>((slot) =>
      db.selectFrom('webhook_deliveries as d').innerJoin('events as e', 'e.id', 'd.event_id')
        .select(['d.id', 'd.event_id', 'd.endpoint_id', 'd.account_id', 'd.attempts', 'd.manual', 'e.type', 'e.payload', 'e.created_at as event_at'])
        .where('d.id', 'in', eachSlot(slot, n, (ids) => ids))));
    this.markRun = perLength((n) => precompile<{ ids: readonly string[]; now: number }, unknown>((slot) =>
      db.updateTable('events').set({ fanned_out_at: slot((v) => v.now) }).where('id', 'in', eachSlot(slot, n, (v) => v.ids))));
    this.backlog = precompile<{ accountId: string; atMost: number }, { pending: number; unfanned: number; enabled: unknown }>((slot) => {
      const accountId = slot((v) => v.accountId);
      const atMost = slot((v) => v.atMost);
      const pending = db.selectFrom('webhook_deliveries').select('id').where('account_id', '=', accountId).where('status', '=', PENDING_DELIVERY).limit(atMost);
      const unfanned = db.selectFrom('events').select('id').where('account_id', '=', accountId).where('fanned_out_at', 'is', null).limit(atMost);
      return db.selectNoFrom((eb) => [
        eb.selectFrom(pending.as('part')).select(eb.fn.countAll<number>().as('n')).as('pending'),
        eb.selectFrom(unfanned.as('part')).select(eb.fn.countAll<number>().as('n')).as('unfanned'),
        eb.exists(db.selectFrom('webhook_endpoints').select('id').where('account_id', '=', accountId).where('enabled', '=', 1)).as('enabled'),
      ]);
    });
  }

  private get db() {
    return this.engine.db;
  }

  /** The endpoint, if it is the account's: what every change made on an account's behalf is conditioned on. */
  private owned(accountId: string, id: string) {
    return this.db.selectFrom('webhook_endpoints').select('id').where('id', '=', id).where('account_id', '=', accountId);
  }

  async createEndpoint(input: NewEndpoint, now: number): Promise<EndpointRecord> {
    const row = await this.db.insertInto('webhook_endpoints').values({
      id: newId('ep', now), account_id: input.accountId, url: input.url, description: input.description ?? null,
      event_types: JSON.stringify(input.eventTypes ?? []), secret_sealed: this.options.secrets.seal(input.secret),
      enabled: input.enabled === false ? 0 : 1, rate_limit_per_second: input.rateLimitPerSecond ?? null, created_at: now, updated_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    return toEndpoint(row);
  }

  async getEndpoint(accountId: string, id: string): Promise<EndpointRecord | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    return row && toEndpoint(row);
  }

  async listEndpoints(accountId: string): Promise<EndpointRecord[]> {
    return (await this.db.selectFrom('webhook_endpoints').selectAll().where('account_id', '=', accountId).orderBy('id').execute()).map(toEndpoint);
  }

  async updateEndpoint(accountId: string, id: string, patch: EndpointPatch, now: number): Promise<EndpointRecord | undefined> {
    const change = enablementChange(patch.enabled);
    const update = this.db.updateTable('webhook_endpoints').set({
      url: patch.url, description: patch.description,
      event_types: patch.eventTypes === undefined ? undefined : JSON.stringify(patch.eventTypes),
      enabled: patch.enabled === undefined ? undefined : Number(patch.enabled), rate_limit_per_second: patch.rateLimitPerSecond,
      disabled_reason: change.disabledReason, failing_since: change.clearsFailureStreak ? null : undefined, updated_at: now,
    }).where('id', '=', id).where('account_id', '=', accountId).returningAll();
    const fail = change.failsPendingDeliveries
      ? [failPending(this.db, id, now).where((eb) => eb.exists(this.owned(accountId, id))).compile()]
      : [];
    const [updated] = await this.engine.runAtomically([update.compile(), ...fail]);
    const row = updated?.rows[0] as EndpointRow | undefined;
    return row && toEndpoint(row);
  }

  async deleteEndpoint(accountId: string, id: string): Promise<boolean> {
    const owned = this.owned(accountId, id);
    const results = await this.engine.runAtomically([
      this.db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).where((eb) => eb.exists(owned)).compile(),
      this.db.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).where((eb) => eb.exists(owned)).compile(),
      this.db.deleteFrom('webhook_endpoints').where('id', '=', id).where('account_id', '=', accountId).compile(),
    ]);
    return Number(results.at(-1)?.numAffectedRows ?? 0) > 0;
  }

  async rotateSecret(accountId: string, id: string, secret: string, graceUntil: number, now: number): Promise<EndpointRecord | undefined> {
    const row = await this.db.updateTable('webhook_endpoints')
      .set((eb) => ({
        previous_secret_sealed: eb.ref('secret_sealed'), previous_secret_until: graceUntil,
        secret_sealed: this.options.secrets.seal(secret), updated_at: now,
      }))
      .where('id', '=', id).where('account_id', '=', accountId).returningAll().executeTakeFirst();
    return row && toEndpoint(row);
  }

  async getSigningEndpoint(id: string, now: number): Promise<SigningEndpoint | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const sealed = signingSecrets({ current: row.secret_sealed, previous: row.previous_secret_sealed, previousUntil: row.previous_secret_until }, now);
    return { ...toEndpoint(row), secrets: sealed.map((s) => this.options.secrets.open(s)) };
  }

  /**
   * Where several processes fan out at once (`skipLocked`), each takes events the others are not marking. The
   * endpoints read stay as read until the commit (`rowLocks`): an endpoint being disabled meanwhile waits, and then
   * fails the deliveries this gave it, instead of keeping them pending.
   */
  fanOutEvents(now: number, limit: number): Promise<{ events: number; endpointIds: string[] }> {
    return this.engine.transaction(async (trx) => {
      const events = await trx.selectFrom('events').select(['id', 'account_id as accountId', 'type'])
        .where('fanned_out_at', 'is', null).orderBy('id').limit(limit)
        .$if(this.engine.capabilities.skipLocked, (q) => q.forUpdate().skipLocked())
        .execute();
      if (events.length === 0) return { events: 0, endpointIds: [] };
      const accounts = [...new Set(events.map((e) => e.accountId))];
      const endpoints = (await trx.selectFrom('webhook_endpoints').select(['id', 'account_id', 'event_types'])
        .where('enabled', '=', 1).where('account_id', 'in', accounts)
        .$if(this.engine.capabilities.rowLocks, (q) => q.forShare()).execute())
        .map((r) => ({ id: r.id, accountId: r.account_id, eventTypes: JSON.parse(r.event_types) as string[] }));
      const planned = planDeliveries(events, endpoints);
      await this.writes.insertDeliveries(trx, planned, { manual: 0, now });
      for (const ids of paddedIdRuns(events.map((e) => e.id))) await trx.executeQuery(this.markRun(ids.length)({ ids, now }));
      return { events: events.length, endpointIds: [...new Set(planned.map((p) => p.endpointId))] };
    });
  }

  async endpointsWithPendingDeliveries(): Promise<string[]> {
    const rows = await this.db.selectFrom('webhook_endpoints as e').select('e.id').where('e.enabled', '=', 1)
      .where((eb) => eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.id')
        .whereRef('d.endpoint_id', '=', 'e.id').where('d.status', '=', PENDING_DELIVERY)))
      .execute();
    return rows.map((r) => r.id);
  }

  async loadDeliveries(jobs: readonly DeliveryJob[]): Promise<DeliveryTask[]> {
    if (jobs.length === 0) return [];
    const rows: TaskRow[] = [];
    for (const ids of paddedIdRuns(jobs.map((j) => j.id))) rows.push(...(await this.db.executeQuery(this.loadRun(ids.length)(ids))).rows);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return jobs.flatMap((job) => {
      const row = byId.get(job.id);
      return row ? [toTask(row)] : [];
    });
  }

  async settleAttempts(settled: readonly SettledAttempt[]): Promise<void> {
    if (settled.length > 0) await this.engine.runAtomically(this.writes.settleStatements(settled));
  }

  disableEndpoint(id: string, reason: string, now: number): Promise<boolean> {
    return this.engine.transaction(async (trx) => {
      const row = await trx.updateTable('webhook_endpoints').set({ enabled: 0, disabled_reason: reason, updated_at: now })
        .where('id', '=', id).where('enabled', '=', 1).returning(['account_id', 'url', 'failing_since']).executeTakeFirst();
      if (!row) return false;
      await failPending(trx, id, now).execute();
      const event = endpointDisabledEvent({ accountId: row.account_id, endpointId: id, url: row.url, reason, failingSince: row.failing_since });
      await insertEvent(trx, event, now).execute();
      return true;
    });
  }

  async recordTestAttempt(attempt: Omit<AttemptRecord, 'id' | 'deliveryId' | 'nextAttemptAt'>): Promise<AttemptRecord> {
    const record: AttemptRecord = { ...attempt, id: newId('atmpt', attempt.createdAt), deliveryId: null, nextAttemptAt: null };
    await this.engine.runAtomically(this.writes.attemptInserts([record]));
    return record;
  }

  async listAttempts(endpointId: string, options: { limit: number; cursor?: string }): Promise<{ attempts: AttemptRecord[]; nextCursor: string | null }> {
    const rows = await this.db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId)
      .$if(options.cursor !== undefined, (q) => q.where('id', '<', options.cursor!))
      .orderBy('id', 'desc').limit(options.limit + 1).execute();
    const page = rows.slice(0, options.limit);
    return { attempts: page.map(toAttempt), nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null };
  }

  replay(endpointId: string, request: ReplayRequest, now: number): Promise<number> {
    const scope = replayScope(request);
    return this.engine.transaction(async (trx) => {
      const endpoint = await trx.selectFrom('webhook_endpoints').select(['account_id', 'event_types']).where('id', '=', endpointId).executeTakeFirst();
      if (!endpoint) return 0;
      const inRange = trx.selectFrom('events').select('events.id').where('events.account_id', '=', endpoint.account_id)
        .where('events.created_at', '>=', scope.since).where('events.created_at', '<', scope.until);
      const requeued = await trx.updateTable('webhook_deliveries')
        .set({ status: 'pending', manual: 1, next_attempt_at: now, lease_owner: null, lease_expires_at: null, updated_at: now })
        .where('endpoint_id', '=', endpointId).where('status', 'in', scope.states).where('event_id', 'in', inRange)
        .executeTakeFirst();
      if (!scope.addsMissedEvents) return Number(requeued.numUpdatedRows);
      const eventTypes = JSON.parse(endpoint.event_types) as string[];
      const missed = await inRange
        .$if(!subscribesToAll(eventTypes), (q) => q.where('events.type', 'in', eventTypes))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.id')
          .whereRef('d.event_id', '=', 'events.id').where('d.endpoint_id', '=', endpointId))))
        .execute();
      const planned = missed.map((e) => ({ eventId: e.id, endpointId, accountId: endpoint.account_id }));
      return Number(requeued.numUpdatedRows) + (await this.writes.insertDeliveries(trx, planned, { manual: 1, now }));
    });
  }

  /** Each part stops at `atMost`: the send path only asks whether the cap is reached, so a huge backlog costs no more than the cap. */
  async countBacklog(accountId: string, atMost = Number.MAX_SAFE_INTEGER): Promise<number> {
    const [row] = (await this.db.executeQuery(this.backlog({ accountId, atMost }))).rows;
    return undeliveredEvents({ pendingDeliveries: Number(row!.pending), unfannedEvents: Number(row!.unfanned), hasEnabledEndpoint: Boolean(row!.enabled) });
  }
}
