/** The shapes of the /v1/stats answers the pages read (documented in the OpenAPI document). */
import type { SeriesPoint } from './chart.ts';
import type { ErrorLike } from './ui.ts';

export interface ErrorSummary extends ErrorLike {
  readonly type?: string;
  readonly retryable?: boolean;
  readonly action?: string;
  readonly detail?: string;
}

export interface MessageStats {
  readonly series: readonly SeriesPoint[];
  readonly funnel: Readonly<Record<string, number>>;
}

export interface ErrorStats {
  readonly series: readonly SeriesPoint[];
  readonly codes: readonly (ErrorSummary & { readonly key: string; readonly count: number })[];
  readonly preflight: null | {
    readonly refused: number;
    readonly failed_after_accept: number;
    readonly share: number | null;
    readonly by_code: readonly (ErrorSummary & { readonly count: number })[];
  };
}

export interface NumberQueue {
  readonly number_id: string;
  readonly account_id: string | null;
  readonly display_phone_number: string;
  readonly registration: string;
  readonly state: 'sending' | 'paused' | 'parked';
  readonly held_until: string | null;
  readonly reason: ErrorSummary | null;
  readonly queue_depth: number;
  readonly oldest_due_at: string | null;
  readonly throughput_per_second: number;
  readonly max_mps: number;
}

export interface EndpointBacklog {
  readonly endpoint_id: string;
  readonly url: string;
  readonly enabled: boolean;
  readonly backlog: number;
  readonly attempts_last_day: number;
  readonly success_rate: number | null;
}

export interface QueueStats {
  readonly numbers: readonly NumberQueue[];
  readonly circuits: readonly { readonly host: string; readonly open: boolean }[] | null;
  readonly webhooks: readonly EndpointBacklog[];
}

export interface MessageView {
  readonly id: string;
  readonly status: string;
  readonly to: string;
  readonly number_id: string;
  readonly type: string;
  readonly wamid: string | null;
  readonly timestamps: Readonly<Record<string, string>>;
  readonly error: ErrorSummary | null;
  readonly created_at: string;
}
