/**
 * Rows the dispatch, queue, credit and inbound conformance suites start from, written straight through an engine: an
 * account with a number, and messages with their outbox jobs (and credit reservations) as the accept transaction
 * leaves them.
 */
import { LANE_OF, rankOf, type Priority } from '../../src/domain/delivery.js';
import { newId } from '../../src/store/ids.js';
import { createSecretBox, type SecretBox } from '../../src/store/secret-box.js';
import { SqlAccounts } from '../../src/store/sql/sql-accounts.js';
import type { SqlEngine } from '../../src/store/sql/sql-engine.js';
import type { MessageState } from '../../src/domain/message-state.js';

export const TEST_SECRETS: SecretBox = createSecretBox('dispatch-conformance-secret');

export interface Tenant {
  readonly accountId: string;
  readonly numberId: string;
  readonly phoneNumberId: string;
}

let serial = 0;

export async function seedTenant(engine: SqlEngine, now: number, account: { credit?: number | null } = {}): Promise<Tenant> {
  const accounts = new SqlAccounts(engine, { secrets: TEST_SECRETS });
  const { id: accountId } = await accounts.createAccount({ name: 't', credit: account.credit ?? null }, now);
  const phoneNumberId = `${now}${process.pid}${String((serial += 1)).padStart(5, '0')}`;
  const number = await accounts.createNumber({ phoneNumberId, displayPhoneNumber: '+1', wabaId: 'w', accountId, accessToken: 'EAAtoken' }, now);
  return { accountId, numberId: number.id, phoneNumberId };
}

export interface SeededMessage {
  readonly messageId: string;
  readonly jobId: string;
}

export interface SeedOptions {
  /** When the messages were accepted and their jobs are due (default: `now`). */
  readonly at: number;
  readonly status?: MessageState;
  readonly wamid?: string;
  /** Credit reserved for each message at accept (its ledger row; the balance is the caller's to set). */
  readonly reserve?: number;
  /** Leave out the outbox job (a message already settled). */
  readonly withoutJob?: boolean;
  /** The job's lane (default normal): its rank is `at` plus the lane's handicap, as the accept path writes it. */
  readonly priority?: Priority;
  readonly expiresAt?: number;
  readonly clientRef?: string;
  readonly metadata?: Record<string, unknown>;
}

/** `count` messages of `tenant`, each with its job due at `at`, in the order given (ids increase). */
export async function seedMessages(engine: SqlEngine, tenant: Tenant, count: number, options: SeedOptions): Promise<SeededMessage[]> {
  const seeded: SeededMessage[] = [];
  for (let i = 0; i < count; i += 1) {
    const messageId = newId('msg', options.at);
    const jobId = newId('job', options.at);
    const status = options.status ?? 'accepted';
    await engine.db.insertInto('messages').values({
      id: messageId, account_id: tenant.accountId, number_id: tenant.numberId, recipient: '4915112345678', type: 'text', status,
      payload: JSON.stringify({ to: '4915112345678', n: i }), status_times: JSON.stringify({ [status]: options.at }),
      wamid: options.wamid === undefined ? null : `${options.wamid}${count > 1 ? `.${i}` : ''}`, error: null,
      created_at: options.at, updated_at: options.at, client_ref: options.clientRef ?? null,
      metadata: options.metadata ? JSON.stringify(options.metadata) : null, priority: options.priority ?? 'normal', expires_at: options.expiresAt ?? null,
    }).execute();
    if (!options.withoutJob) {
      await engine.db.insertInto('outbox').values({
        id: jobId, message_id: messageId, number_id: tenant.numberId, due_at: options.at, attempts: 0, lease_owner: null,
        lease_expires_at: null, created_at: options.at, calling_since: null, first_attempt_at: null,
        lane: LANE_OF[options.priority ?? 'normal'], rank_at: rankOf(options.at, options.priority ?? 'normal'), expires_at: options.expiresAt ?? null,
      }).execute();
    }
    if (options.reserve !== undefined) {
      await engine.db.insertInto('credit_ledger').values({
        id: `led_reserve_${messageId}`, account_id: tenant.accountId, message_id: messageId, kind: 'reserve', amount: -options.reserve,
        note: null, created_at: options.at,
      }).execute();
    }
    seeded.push({ messageId, jobId });
  }
  return seeded;
}
