/**
 * The tables the retention pruner reads and deletes from, as Kysely sees them. Only these tables: the store's full
 * `Database` type (schema.ts) is meant to take them over.
 */
import type { ColumnType } from 'kysely';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface RetentionDatabase {
  accounts: {
    id: string; name: string; state: string; ip_allow_list: string; credit: Nullable<number>; created_at: number; updated_at: number;
  };
  messages: {
    id: string; account_id: string; number_id: string; recipient: string; type: string; status: string; payload: string;
    status_times: string; wamid: Nullable<string>; error: Nullable<string>; created_at: number; updated_at: number;
  };
  outbox: { id: string; message_id: string; number_id: string; due_at: number; attempts: number; created_at: number };
  events: {
    id: string; account_id: string; type: string; subject_id: Nullable<string>; payload: string; created_at: number; fanned_out_at: Nullable<number>;
  };
  webhook_deliveries: {
    id: string; event_id: string; endpoint_id: string; account_id: string; status: string; attempts: number; created_at: number; updated_at: number;
  };
  webhook_attempts: {
    id: string; endpoint_id: string; delivery_id: Nullable<string>; event_id: string; url: string; trigger: string; outcome: string;
    duration_ms: number; created_at: number;
  };
  idempotency_keys: { account_id: string; idempotency_key: string; request_hash: string; status_code: number; body: string; created_at: number };
  meta_webhooks: { id: string; received_at: number; body: string; applied_at: Nullable<number> };
  inbound_messages: {
    wamid: string; number_id: string; account_id: Nullable<string>; sender: string; type: string; payload: string; received_at: number;
  };
  media: { id: string; account_id: string; mime_type: string; bytes: number; sha256: string; created_at: number };
  media_chunks: { media_id: string; seq: number; content: Uint8Array };
  credit_ledger: {
    id: string; account_id: string; message_id: Nullable<string>; kind: string; amount: number; note: Nullable<string>; created_at: number;
  };
}
