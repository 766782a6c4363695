/** Overview: messages per bucket by status, the funnel, queues and throughput per number, circuits and webhook backlog. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { query } from '../api.ts';
import { TimeChart } from '../chart.ts';
import { usePolled } from '../hooks.ts';
import type { MessageStats, QueueStats } from '../stats-types.ts';
import { PeriodPicker, periodQuery, ProblemNote, share, Updated, type PageProps } from '../ui.ts';
import { CircuitList, NumberTable } from './numbers.ts';
import { MESSAGE_STATES } from '../../domain/message-state.js';


function Funnel(props: { readonly funnel: Readonly<Record<string, number>> }) {
  const first = props.funnel['accepted'] ?? 0;
  return html`<table class="funnel">
    <caption>Status funnel (messages of the period that reached each state)</caption>
    <thead><tr><th scope="col">State</th><th scope="col">Messages</th><th scope="col">Of accepted</th></tr></thead>
    <tbody>${MESSAGE_STATES.map((state) => html`<tr>
      <th scope="row">${state}</th><td>${props.funnel[state] ?? 0}</td>
      <td><meter min="0" max="1" value=${first === 0 ? 0 : (props.funnel[state] ?? 0) / first} aria-label=${`${state} share`}
        ...${state === 'failed' ? { low: 0.01, high: 0.1, optimum: 0 } : {}}></meter>
        ${first === 0 ? '—' : share((props.funnel[state] ?? 0) / first)}</td>
    </tr>`)}</tbody>
  </table>`;
}

export function BacklogTable(props: { readonly queues: QueueStats }) {
  if (props.queues.webhooks.length === 0) return html`<p>No webhook endpoints.</p>`;
  return html`<div class="scroll"><table>
    <caption>Webhook backlog per endpoint (success rate over the last day)</caption>
    <thead><tr><th scope="col">Endpoint</th><th scope="col">Backlog</th><th scope="col">Attempts</th><th scope="col">Success</th></tr></thead>
    <tbody>${props.queues.webhooks.map((w) => html`<tr>
      <td><code>${w.endpoint_id}</code> <span class="url">${w.url}</span>${w.enabled ? '' : ' (disabled)'}</td>
      <td>${w.backlog}</td><td>${w.attempts_last_day}</td><td>${share(w.success_rate)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

export function OverviewPage(props: PageProps) {
  const [period, setPeriod] = useState(1);
  const accountId = props.params.get('account_id');
  const messages = usePolled<MessageStats>(props.api, `/v1/stats/messages${query(periodQuery(period, accountId))}`);
  const queues = usePolled<QueueStats>(props.api, `/v1/stats/queues${query({ account_id: accountId ?? undefined })}`);
  return html`<div class="page">
    <div class="toolbar"><${PeriodPicker} id="overview-period" value=${period} onChange=${setPeriod} /><${Updated} at=${messages.checkedAt} /></div>
    <${ProblemNote} problem=${messages.problem ?? queues.problem} />
    ${messages.data && html`<section aria-label="Messages">
      <${TimeChart} label="Messages by status (created per bucket, current status)" points=${messages.data.series} order=${MESSAGE_STATES} />
      <${Funnel} funnel=${messages.data.funnel} />
    </section>`}
    ${queues.data && html`<section aria-label="Queues">
      <h2>Queues and throughput</h2>
      <${NumberTable} numbers=${queues.data.numbers} />
      <h2>Upstream circuits</h2>
      <${CircuitList} circuits=${queues.data.circuits} />
      <h2>Webhook backlog</h2>
      <${BacklogTable} queues=${queues.data} />
    </section>`}
  </div>`;
}
