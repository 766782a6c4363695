/**
 * The store interface: everything the gateway keeps, behind methods that name their operation, so that nothing above
 * the store speaks SQL or knows the backend. Backends differ only through `capabilities`.
 */
import type { HealthStore } from './health-store.js';
import type { ContactIdentityStore } from './identity-store.js';
import type { DispatchQueue, DispatchStore } from './dispatch-store.js';
import type { SwitchboardError } from '../catalog/switchboard-error.js';
import type { ContactStore, ControlsStore, CreditStore, TemplateStore } from './controls-store.js';
import type { InboundStore } from './inbound-store.js';
import type { Account, AccountState } from '../domain/account.js';
import type { KeyKind } from '../domain/api-key.js';
import type { IdempotencyRecord } from '../domain/idempotency.js';
import type { DeliveryOptions, Priority } from '../domain/delivery.js';
import type { MessageRecord, MessageType } from '../domain/message.js';
import type { MessageState } from '../domain/message-state.js';
import type { PhoneNumber, RegistrationState } from '../domain/phone-number.js';
import type { TemplateRecord } from '../domain/template.js';
import type { DeliveryQueue, WebhookStore } from './webhook-store.js';
import type { WakeUps } from '../runtime/wake-ups.js';
import type { GaugeStore } from './gauge-store.js';
import type { DashboardReads } from './dashboard-store.js';
import type { SmsStore } from './sms-store.js';
import type { FailoverStore } from './failover-store.js';
import type { FailoverRequest } from '../domain/failover.js';

export interface StoreCapabilities {
  /** One writer at a time (SQLite): concurrent writes are funnelled through group commit rather than run in parallel. */
  readonly singleWriter: boolean;
  /** Several gateway processes may share the store, so in-flight state must live in the store, not in memory. */
  readonly sharedAcrossProcesses: boolean;
  /**
   * Background workers of several processes may claim at once, so the store tracks which lease owners are alive. Where
   * only one process does the background work (SQLite, even when a serving process shares the file), every lease found
   * when a worker starts was left by a run that is over.
   */
  readonly workersAcrossProcesses: boolean;
  /**
   * Workers claim due rows with `FOR UPDATE SKIP LOCKED`, so claimers in parallel pass each other's rows by; without
   * it a claim is one write transaction that takes the database's single write lock.
   */
  readonly skipLocked: boolean;
  /**
   * `SELECT … FOR UPDATE` locks the rows it reads until the transaction ends, so a decision read from them holds against
   * other writers. Without it (SQLite) a write transaction already excludes every other writer.
   */
  readonly rowLocks: boolean;
  /**
   * How a worker learns that new work is due: from this process only, from the one partner process this one was started
   * with (over IPC), or from any process sharing the store.
   */
  readonly wakeUps: WakeUpReach;
}

export const WAKE_UP_REACHES = ['in-process', 'partner-process', 'across-processes'] as const;
export type WakeUpReach = (typeof WAKE_UP_REACHES)[number];

export type { KeyKind } from '../domain/api-key.js';

export interface ApiKeyRecord {
  readonly id: string;
  readonly kind: KeyKind;
  readonly accountId: string | null;
  readonly name: string;
  /** The first characters of the secret, shown in listings so people can tell keys apart. */
  readonly prefix: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface NewAccount {
  readonly name: string;
  readonly state?: AccountState;
  readonly expiresAt?: number | null;
  readonly ipAllowList?: readonly string[];
  readonly rateLimitPerSecond?: number | null;
  readonly credit?: number | null;
  readonly defaultNumberId?: string | null;
  readonly defaultPriority?: Priority;
  readonly defaultValiditySeconds?: number | null;
}
export type AccountPatch = Partial<NewAccount>;

export interface NewPhoneNumber {
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
  readonly wabaId: string;
  readonly accountId?: string | null;
  readonly registration?: RegistrationState;
  readonly maxMps?: number;
  readonly accessToken?: string | null;
}
export type PhoneNumberPatch = Partial<NewPhoneNumber>;

export interface MediaRecord {
  readonly id: string;
  readonly accountId: string;
  readonly numberId: string | null;
  readonly mimeType: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly filename: string | null;
  readonly createdAt: number;
}

export type NewMedia = Omit<MediaRecord, 'id' | 'createdAt' | 'bytes' | 'sha256'>;

/**
 * An upload being stored: chunks are written as they arrive, nothing is visible (or counted) until `commit`, and
 * `discard` leaves nothing behind.
 */
export interface MediaUpload {
  append(chunk: Uint8Array): Promise<void>;
  /**
   * Makes the upload visible, unless the account's stored bytes would then pass `capBytes` (checked in the same
   * transaction, so concurrent uploads cannot together pass it): then the upload is discarded.
   */
  commit(facts: { readonly bytes: number; readonly sha256: string; readonly capBytes: number }):
    Promise<{ readonly kind: 'stored'; readonly media: MediaRecord } | { readonly kind: 'over-cap'; readonly storedBytes: number }>;
  discard(): Promise<void>;
}

/** One message to accept, with what must be written in the same transaction. */
export interface AcceptItem {
  readonly accountId: string;
  readonly numberId: string;
  readonly to: string;
  readonly type: MessageType;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Credit to take from the account in the same transaction; 0 when the account is not on prepaid credit. */
  readonly creditCost: number;
  /** The counted limits this send must pass; decided and counted in the accept transaction. */
  readonly admission?: AcceptAdmission;
  /** When it may leave, until when, its lane, and what is echoed in its events; absent = at once, normal, nothing. */
  readonly delivery?: DeliveryOptions;
  /** An SMS to send instead if WhatsApp cannot reach the recipient (domain/failover.ts); absent = none. */
  readonly failover?: FailoverRequest;
}

/** Counted limits, decided on the counts the accept transaction reads: a refused send is counted nowhere. */
export interface AcceptAdmission {
  /** Spam control: distinct recipients of this text (its hash) on its UTC day, against the account's threshold. */
  readonly spam?: { readonly day: string; readonly textHash: string; readonly threshold: number };
  /** The messaging limit: unique recipients of template sends since `since`, against the account's tier. */
  readonly messaging?: { readonly tier: number; readonly since: number };
}

export type AcceptResult =
  | { readonly kind: 'accepted'; readonly id: string; readonly createdAt: number }
  /** A rule of the accept transaction refused the item (credit, spam control, messaging limit): nothing was written. */
  | { readonly kind: 'refused'; readonly error: SwitchboardError };

/** An idempotent request's outcome, written in the same transaction as its messages. */
export interface IdempotencyCompletion {
  readonly accountId: string;
  readonly key: string;
  readonly requestHash: string;
  /** Builds the response from the accept results, so a replay returns exactly what the first request saw. */
  readonly respond: (results: readonly AcceptResult[]) => StoredResponse;
}

export interface StoredResponse {
  readonly statusCode: number;
  readonly body: unknown;
}

/** What a cancel found: canceled now, canceled before, gone past the point of no return (its state), or no such message. */
export type CancelOutcome =
  | { readonly kind: 'canceled' }
  | { readonly kind: 'already_canceled' }
  | { readonly kind: 'not_cancelable'; readonly status: MessageState }
  | { readonly kind: 'not_found' };

export interface ClientRefCancel {
  readonly canceled: readonly string[];
  /** Messages with the reference already handed to the upstream (or finished). */
  readonly notCancelable: readonly string[];
}

export interface MessageFilter {
  readonly status?: MessageState;
  readonly to?: string;
  /** Any of these recipients: every identifier of one contact, so its history survives a new phone or user id. */
  readonly toAny?: readonly string[];
  readonly numberId?: string;
  readonly clientRef?: string;
  readonly since?: number;
  readonly until?: number;
  /** Failed with this catalog entry's error. */
  readonly error?: { readonly namespace: string; readonly code: number | string };
  /** Opaque cursor from the previous page. */
  readonly cursor?: string;
  readonly limit: number;
}

/** What preflight needs to know about one send beyond the account and number. */
export interface SendFactsQuery {
  readonly accountId: string;
  readonly numberId: string;
  readonly wabaId: string;
  readonly to: string;
  readonly template?: { readonly name: string; readonly language: string };
  /** False for templates, which need no open window: the window is then not looked up (lastInboundAt: null). */
  readonly needsWindow: boolean;
}

export interface SendFacts {
  readonly optedOutAt: number | null;
  readonly lastInboundAt: number | null;
  /** The template of the send as template sync recorded it, when the WABA was ever synced. */
  readonly template: TemplateRecord | undefined;
  /** Whether any template of the WABA is recorded, i.e. whether template sync has run for it. */
  readonly templatesKnown: boolean;
  /** When the contact stopped marketing messages (Meta's user_preferences); only read for a marketing template. */
  readonly marketingStoppedAt: number | null;
  /** When the business blocked the contact on the sending number. */
  readonly blockedAt: number | null;
}

/** Tenants, their API keys and their phone numbers: read on every request, changed by operators. */
export interface AccountStore {
  createAccount(input: NewAccount, now: number): Promise<Account>;
  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  updateAccount(id: string, patch: AccountPatch, now: number): Promise<Account | undefined>;

  /** Stores a key by the SHA-256 of its secret; the secret itself is never stored. */
  createKey(input: { kind: KeyKind; accountId: string | null; name: string; secretHash: string; prefix: string }, now: number): Promise<ApiKeyRecord>;
  /** Finds an unrevoked or revoked key by the hash of the presented secret. */
  findKeyByHash(secretHash: string): Promise<(ApiKeyRecord & { readonly secretHash: string }) | undefined>;
  listKeys(filter: { accountId?: string; kind?: KeyKind }): Promise<ApiKeyRecord[]>;
  revokeKey(id: string, now: number): Promise<ApiKeyRecord | undefined>;
  countActiveKeys(kind: KeyKind): Promise<number>;

  createNumber(input: NewPhoneNumber, now: number): Promise<PhoneNumber>;
  getNumber(id: string): Promise<PhoneNumber | undefined>;
  /** By our `num_` id or by Meta's phone_number_id. */
  findNumber(ref: string): Promise<PhoneNumber | undefined>;
  listNumbers(filter: { accountId?: string }): Promise<PhoneNumber[]>;
  updateNumber(id: string, patch: PhoneNumberPatch, now: number): Promise<PhoneNumber | undefined>;
  deleteNumber(id: string): Promise<boolean>;
  /** The decrypted access token, for the dispatcher and the simulator set-up only. */
  getAccessToken(numberId: string): Promise<string | undefined>;
}

export interface Store extends AccountStore {
  readonly capabilities: StoreCapabilities;

  /**
   * Accepts messages durably: each message row, its outbox job (due now) and the credit debit in one transaction, plus
   * the idempotency completion when given. Resolves only after the commit is on disk.
   * Outcomes: `accepted` per item, or `refused` for items whose credit or counted limits refused them (nothing stored).
   * Rejects with `idempotency_in_progress` when another request stored an outcome under the same key meanwhile.
   */
  acceptMessages(items: readonly AcceptItem[], now: number, idempotency?: IdempotencyCompletion): Promise<AcceptResult[]>;
  getMessage(accountId: string, id: string): Promise<MessageRecord | undefined>;
  /** `accountId` null: every account's (admin reads). */
  listMessages(accountId: string | null, filter: MessageFilter): Promise<{ messages: MessageRecord[]; nextCursor: string | null }>;
  /**
   * Cancels a message whose job no call is marked for, in one transaction: job removed, message `canceled`, credit
   * reservation refunded, `message.canceled` recorded. Conditional on the job row, so that a message is sent or
   * canceled, never both.
   */
  cancelMessage(accountId: string, id: string, now: number): Promise<CancelOutcome>;
  /** Cancels the account's messages with this `client_ref` that can still be canceled; lists which were and which not. */
  cancelByClientRef(accountId: string, clientRef: string, now: number): Promise<ClientRefCancel>;

  /** Dispatch's model operations (loading claimed jobs, call marks, outcomes, number holds), in the same database. */
  readonly dispatch: DispatchStore;
  /** The outbox queue the dispatcher claims from: ids and leases only. */
  readonly dispatchQueue: DispatchQueue;

  /** Customer webhooks' model operations (endpoints, fan-out, loading claimed deliveries, attempts, replays, backlog). */
  readonly webhooks: WebhookStore;
  /** The queue of customer-webhook deliveries, one lane per endpoint: ids and leases only. */
  readonly webhookQueue: DeliveryQueue;
  /** Meta's webhook deliveries and their effects. */
  readonly inbound: InboundStore;
  /** Operator controls on accounts, prices, spam and messaging-limit counts. */
  readonly controls: ControlsStore;
  /** Prepaid credit top-ups and the ledger of every credit movement. */
  readonly credit: CreditStore;
  /** Templates created through the API or synced, with their review state (`setTemplateStatus` for template webhooks). */
  readonly templates: TemplateStore;
  /** Number, account and template health from Meta's webhooks, and the pricing on statuses. */
  readonly health: HealthStore;
  /** Cached answers of contact checks (has WhatsApp or not). */
  readonly contactChecks: ContactStore;
  /** Contacts by phone and business-scoped user id, their marketing preference and blocks. */
  readonly identities: ContactIdentityStore;
  /** Tells workers that work was stored, as far as `capabilities.wakeUps` reaches. */
  readonly wakeUps: WakeUps;
  /** How much waits in the shared queues, for the metrics. */
  readonly gauges: GaugeStore;
  /** Grouped counts and message trails for the dashboard's read endpoints. */
  readonly dashboard: DashboardReads;
  /** The SMS channel's connectors, routes and per-account sender ids. */
  readonly sms: SmsStore;
  /** WhatsApp-to-SMS failovers: which are due, and ending each once. */
  readonly failover: FailoverStore;

  /**
   * Claims an Idempotency-Key for one request. Answers the live record that was there before (done, or another request's
   * in-progress claim) and then claims nothing; answers undefined when the key was free (or expired) and is now claimed.
   */
  claimIdempotencyKey(accountId: string, key: string, requestHash: string, now: number): Promise<IdempotencyRecord | undefined>;
  /** Releases a claim whose request ended without a stored outcome (a refusal), so the key can be used again. */
  releaseIdempotencyKey(accountId: string, key: string): Promise<void>;
  /** Stores the outcome of a request that wrote no messages (for example a batch with every item refused). */
  completeIdempotencyKey(completion: Omit<IdempotencyCompletion, 'respond'>, response: StoredResponse, now: number): Promise<void>;

  /** Gathers the preflight facts of one send in one read (opt-out, service window, template). */
  getSendFacts(query: SendFactsQuery): Promise<SendFacts>;

  recordOptOut(accountId: string, waId: string, now: number): Promise<void>;
  removeOptOut(accountId: string, waId: string): Promise<boolean>;
  listOptOuts(accountId: string): Promise<{ waId: string; optedOutAt: number }[]>;
  getOptOut(accountId: string, waId: string): Promise<number | null>;

  /** Opens (or extends) the contact's 24-hour window on a number: fed by inbound webhooks. */
  recordInbound(numberId: string, waId: string, at: number): Promise<void>;
  getLastInbound(numberId: string, waId: string): Promise<number | null>;

  upsertTemplate(template: TemplateRecord): Promise<void>;
  findTemplate(wabaId: string, name: string, language: string): Promise<TemplateRecord | undefined>;
  hasTemplates(wabaId: string): Promise<boolean>;

  beginMedia(input: NewMedia, now: number): Promise<MediaUpload>;
  /** Bytes of committed media the account keeps. */
  mediaBytesStored(accountId: string): Promise<number>;
  getMedia(accountId: string, id: string): Promise<MediaRecord | undefined>;
  /** Deletes the account's media and its bytes; false when the account has no such media. */
  deleteMedia(accountId: string, id: string): Promise<boolean>;

  /**
   * Runs `work` while no other process sharing the store runs work given to `exclusively`: set-up that must happen
   * once however many processes start together (the first admin key, the demo account). `work` uses the store as usual.
   */
  exclusively<T>(work: () => Promise<T>): Promise<T>;

  /** True when the store answers queries: backs `/readyz`. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
