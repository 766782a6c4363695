/** Small pieces every page uses: problems, the period picker, catalog links, times and shares. */
import { html } from 'htm/preact';
import type { Api, Problem, Who } from './api.ts';

export interface PageProps {
  readonly api: Api;
  readonly who: Who;
  /** What follows the page's name in the address: `#/messages/msg_1` → ['msg_1']. */
  readonly rest: readonly string[];
  readonly params: URLSearchParams;
}

export function ProblemNote(props: { readonly problem: Problem | undefined }) {
  const p = props.problem;
  if (!p) return null;
  return html`<p class="problem" role="alert">
    <strong>${p.title}</strong>${p.detail ? html` — ${p.detail}` : ''}
    ${p.code !== undefined ? html` <code>${String(p.code)}</code>` : ''}${p.action ? html` ${p.action}` : ''}
  </p>`;
}

export const PERIODS = [
  { label: 'Last 15 minutes', ms: 15 * 60_000, bucketSeconds: 15 },
  { label: 'Last hour', ms: 60 * 60_000, bucketSeconds: 60 },
  { label: 'Last 6 hours', ms: 6 * 60 * 60_000, bucketSeconds: 300 },
  { label: 'Last 24 hours', ms: 24 * 60 * 60_000, bucketSeconds: 900 },
] as const;

export function PeriodPicker(props: { readonly id: string; readonly value: number; readonly onChange: (index: number) => void }) {
  return html`<label for=${props.id}>Period </label>
    <select id=${props.id} value=${props.value} onChange=${(e: Event) => props.onChange(Number((e.target as HTMLSelectElement).value))}>
      ${PERIODS.map((p, i) => html`<option value=${i}>${p.label}</option>`)}
    </select>`;
}

/** The query of a stats read over a period ending with the current bucket: the same path all along, so polls can answer 304. */
export function periodQuery(index: number, accountId: string | null | undefined): Record<string, string | undefined> {
  const period = PERIODS[index] ?? PERIODS[1];
  return { period_seconds: String(period.ms / 1000), bucket_seconds: String(period.bucketSeconds), account_id: accountId ?? undefined };
}

export interface ErrorLike {
  readonly namespace: string;
  readonly code: string | number;
  readonly title?: string;
}

export function catalogHref(e: ErrorLike): string {
  return `#/catalog/${e.namespace}/${encodeURIComponent(String(e.code))}`;
}

export function CatalogLink(props: { readonly error: ErrorLike }) {
  const e = props.error;
  return html`<a href=${catalogHref(e)}><code>${e.namespace}/${String(e.code)}</code>${e.title ? ` ${e.title}` : ''}</a>`;
}

export function time(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

export function share(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;
}

export function Updated(props: { readonly at: Date | undefined }) {
  return html`<p class="updated">${props.at ? `Live · checked ${props.at.toLocaleTimeString()}` : 'Loading…'}</p>`;
}
