/**
 * The tables as migrations 1-8 leave them, typed for Kysely: the one description of the schema that dialect-neutral
 * store code compiles against. Integers are numbers on both engines (PostgreSQL's INT8 is parsed to a number); the
 * flags the schema stores as 0/1 INTEGER stay numbers here, so both engines read and write them alike.
 */
import type { ColumnType, Generated } from 'kysely';

/** A column with a DEFAULT: optional on insert, always present on read. */
type Defaulted<T> = Generated<T>;
/** A column read and written as raw bytes (BLOB on SQLite, BYTEA on PostgreSQL). */
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface SchemaMigrationsTable { id: number; name: string; applied_at: number }

export interface AccountsTable {
  id: string; name: string; state: string; expires_at: number | null;
  /** JSON array of addresses and CIDR ranges. */
  ip_allow_list: string;
  rate_limit_per_second: number | null; credit: number | null; default_number_id: string | null;
  created_at: number; updated_at: number; disconnected_at: number | null;
  /** Migration 11: delivery control's defaults for the account's sends. */
  default_priority: Defaulted<string>; default_validity_seconds: Defaulted<number | null>;
}

export interface ApiKeysTable {
  id: string; kind: string; account_id: string | null; name: string; prefix: string; secret_hash: string;
  created_at: number; revoked_at: number | null;
}

export interface PhoneNumbersTable {
  id: string; phone_number_id: string; display_phone_number: string; waba_id: string; account_id: string | null;
  registration: string; max_mps: number; access_token_sealed: string | null; created_at: number; updated_at: number;
  held_until: number | null; paused: Defaulted<number>; hold_error: string | null;
  quality_rating: Defaulted<string | null>; messaging_tier: Defaulted<string | null>; restriction: Defaulted<string | null>;
  restricted: Defaulted<number>; restricted_until: Defaulted<number | null>; violation: Defaulted<string | null>;
}

export interface MessagesTable {
  id: string; account_id: string; number_id: string; recipient: string; type: string; status: string;
  /** The Cloud API body the dispatcher posts (JSON). */
  payload: string;
  /** JSON object {state: epoch ms}. */
  status_times: string;
  wamid: string | null; error: string | null; created_at: number; updated_at: number; pricing: Defaulted<string | null>;
  /** Delivery control (migration 11): the caller's reference and metadata (JSON), and when the message may leave. */
  client_ref: Defaulted<string | null>; metadata: Defaulted<string | null>; priority: Defaulted<string>;
  send_at: Defaulted<number | null>; expires_at: Defaulted<number | null>;
  /** Failover to SMS (migration 15): the request (JSON), where it stands, when it is due, the SMS it became, why it was refused. */
  failover: Defaulted<string | null>; failover_state: Defaulted<string | null>; failover_due_at: Defaulted<number | null>;
  failover_message_id: Defaulted<string | null>; failover_error: Defaulted<string | null>;
}

export interface OutboxTable {
  id: string; message_id: string; number_id: string; due_at: number; attempts: number; lease_owner: string | null;
  lease_expires_at: number | null; created_at: number; calling_since: number | null; first_attempt_at: number | null;
  waits_for_upstream: Defaulted<number>;
  /** Migration 11: the job's lane (0 high, 1 normal, 2 bulk), its claim rank and the message's expiry. */
  lane: Defaulted<number>; rank_at: Defaulted<number>; expires_at: Defaulted<number | null>;
}

export interface IdempotencyKeysTable {
  account_id: string; idempotency_key: string; request_hash: string; status_code: number; body: string; created_at: number;
}

export interface OptOutsTable { account_id: string; wa_id: string; opted_out_at: number }

export interface ServiceWindowsTable { number_id: string; wa_id: string; last_inbound_at: number }

export interface ContactAliasesTable { account_id: string; identifier: string; contact_key: string }

export interface ContactProfilesTable {
  account_id: string; contact_key: string; phone: string | null; user_id: string | null; parent_user_id: string | null;
  username: string | null; marketing_stopped_at: number | null; updated_at: number;
}

export interface ContactBlocksTable { number_id: string; contact_key: string; blocked_at: number }

export interface TemplatesTable {
  waba_id: string; name: string; language: string; status: string; category: string; components: string;
  updated_at: number; upstream_id: string | null; reason: string | null; quality: Defaulted<string | null>;
}

export interface MediaTable {
  id: string; account_id: string; number_id: string | null; mime_type: string; bytes: number; sha256: string;
  filename: string | null; created_at: number;
}

export interface MediaChunksTable { media_id: string; seq: number; content: Bytes }

export interface MetaWebhooksTable { id: string; received_at: number; body: string; applied_at: number | null }

export interface InboundMessagesTable {
  wamid: string; number_id: string; account_id: string | null; sender: string; type: string; body: string | null;
  payload: string; received_at: number;
}

export interface EventsTable {
  id: string; account_id: string; type: string; subject_id: string | null; payload: string; created_at: number;
  fanned_out_at: number | null;
}

export interface WebhookEndpointsTable {
  id: string; account_id: string; url: string; description: string | null;
  /** JSON array of event types; empty = every type. */
  event_types: string;
  secret_sealed: string; previous_secret_sealed: string | null; previous_secret_until: number | null;
  enabled: number; disabled_reason: string | null; rate_limit_per_second: number | null; failing_since: number | null;
  created_at: number; updated_at: number;
}

export interface WebhookDeliveriesTable {
  id: string; event_id: string; endpoint_id: string; account_id: string; status: string; attempts: number;
  manual: Defaulted<number>; next_attempt_at: number | null; lease_owner: string | null; lease_expires_at: number | null;
  created_at: number; updated_at: number;
}

export interface WebhookLanesTable { endpoint_id: string; lease_owner: string; lease_expires_at: number }

export interface WebhookAttemptsTable {
  id: string; endpoint_id: string; delivery_id: string | null; event_id: string; url: string; trigger: string;
  outcome: string; status_code: number | null; duration_ms: number; response_excerpt: string | null;
  next_attempt_at: number | null; created_at: number;
}

export interface AccountControlsTable {
  account_id: string; prepaid_expires_at: number | null; whatsapp_api_disabled: Defaulted<number>;
  spam_threshold: number | null; messaging_tier: number | null; requests_per_minute: number | null;
  request_interval_ms: number | null;
  /** JSON array of path patterns. */
  blocked_paths: Defaulted<string>;
  updated_at: number;
}

export interface CreditPricesTable { account_id: string; category: string; country: string; price: number; effective_from: Defaulted<number> }

export interface CreditLedgerTable {
  id: string; account_id: string; message_id: string | null; kind: string; amount: number; note: string | null;
  created_at: number;
}

export interface ContactChecksTable { account_id: string; wa_id: string; status: string; checked_at: number }

export interface SpamTextsTable { account_id: string; day: string; text_hash: string; recipient: string }

export interface Database {
  schema_migrations: SchemaMigrationsTable;
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  phone_numbers: PhoneNumbersTable;
  messages: MessagesTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  opt_outs: OptOutsTable;
  service_windows: ServiceWindowsTable;
  contact_aliases: ContactAliasesTable;
  contact_profiles: ContactProfilesTable;
  contact_blocks: ContactBlocksTable;
  templates: TemplatesTable;
  media: MediaTable;
  media_chunks: MediaChunksTable;
  meta_webhooks: MetaWebhooksTable;
  inbound_messages: InboundMessagesTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_lanes: WebhookLanesTable;
  account_controls: AccountControlsTable;
  credit_prices: CreditPricesTable;
  credit_ledger: CreditLedgerTable;
  contact_checks: ContactChecksTable;
  spam_texts: SpamTextsTable;
  sms_connectors: SmsConnectorsTable;
  sms_routes: SmsRoutesTable;
  sms_sender_ids: SmsSenderIdsTable;
  sms_submits: SmsSubmitsTable;
}

export interface SmsConnectorsTable {
  id: string; name: string; host: string; port: number; system_id: string; password_sealed: string; system_type: Defaulted<string>;
  throughput_per_second: number; window_size: number; enabled: Defaulted<number>; created_at: number; updated_at: number;
}

export interface SmsRoutesTable {
  id: string; prefix: string; connector_id: string;
  /** JSON array of account ids; null = every account. */
  account_ids: string | null;
  created_at: number; updated_at: number;
}

export interface SmsSenderIdsTable { account_id: string; sender_id: string; created_at: number }

export interface SmsSubmitsTable {
  connector_id: string; smsc_message_id: string; message_id: string; attempt: number; segment: number; segments: number; outcome: string | null; created_at: number;
}
