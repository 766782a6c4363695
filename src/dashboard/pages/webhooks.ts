/** Webhook endpoints (account keys): success rate and backlog, last attempts, and replay and test buttons. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { Problem } from '../api.ts';
import { problemOf, useLoaded, usePolled } from '../hooks.ts';
import type { QueueStats } from '../stats-types.ts';
import { ProblemNote, share, time, type PageProps } from '../ui.ts';

interface Endpoint { id: string; url: string; enabled: boolean; disabled_reason: string | null; failing_since: string | null }
interface Attempt { id: string; event_id: string; trigger: string; outcome: string; status_code: number | null; duration_ms: number; response: string | null; created_at: string }

function EndpointCard(props: PageProps & { readonly endpoint: Endpoint; readonly stats: QueueStats['webhooks'][number] | undefined }) {
  const e = props.endpoint;
  const [refresh, setRefresh] = useState(0);
  const [note, setNote] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const attempts = useLoaded<{ data: Attempt[] }>(props.api, `/v1/webhooks/${e.id}/attempts?limit=10`, refresh);
  const act = (work: Promise<string>): void => {
    setProblem(undefined);
    setNote(undefined);
    work.then((text) => { setNote(text); setRefresh((n) => n + 1); }, (error: unknown) => setProblem(problemOf(error)));
  };
  return html`<article class="endpoint" aria-labelledby=${`endpoint-${e.id}`}>
    <h2 id=${`endpoint-${e.id}`}>${e.url}</h2>
    <p><code>${e.id}</code> · ${e.enabled ? 'enabled' : `disabled (${e.disabled_reason ?? 'no reason given'})`}
      ${e.failing_since ? ` · failing since ${time(e.failing_since)}` : ''}</p>
    <p>Success rate (last day): <strong>${share(props.stats?.success_rate)}</strong> · backlog ${props.stats?.backlog ?? 0}</p>
    <div class="actions">
      <button type="button" onClick=${() => act(props.api.send<{ queued: number }>('POST', `/v1/webhooks/${e.id}/replay`, { failed_only: true }).then((r) => `${r.queued} failed events queued again.`))}>
        Replay failed events to ${e.url}</button>
      <button type="button" onClick=${() => act(props.api.send<Attempt>('POST', `/v1/webhooks/${e.id}/test`).then((a) => `Test event: ${a.outcome}${a.status_code ? ` (HTTP ${a.status_code})` : ''}.`))}>
        Send a test event to ${e.url}</button>
    </div>
    ${note && html`<p role="status">${note}</p>`}
    <${ProblemNote} problem=${problem ?? attempts.problem} />
    ${attempts.data && html`<div class="scroll"><table>
      <caption>Last attempts</caption>
      <thead><tr><th scope="col">At</th><th scope="col">Outcome</th><th scope="col">HTTP</th><th scope="col">Time</th><th scope="col">Answer</th></tr></thead>
      <tbody>${attempts.data.data.length === 0 ? html`<tr><td colspan="5">No attempts yet.</td></tr>` : attempts.data.data.map((a) => html`<tr>
        <td>${time(a.created_at)}</td><td>${a.outcome} (${a.trigger})</td><td>${a.status_code ?? '—'}</td><td>${a.duration_ms} ms</td>
        <td><code class="json">${a.response ?? ''}</code></td></tr>`)}</tbody>
    </table></div>`}
  </article>`;
}

export function WebhooksPage(props: PageProps) {
  const endpoints = useLoaded<{ data: Endpoint[] }>(props.api, '/v1/webhooks');
  const queues = usePolled<QueueStats>(props.api, '/v1/stats/queues');
  return html`<div class="page">
    <${ProblemNote} problem=${endpoints.problem ?? queues.problem} />
    ${endpoints.data && (endpoints.data.data.length === 0
      ? html`<p>No webhook endpoints yet; create one with POST /v1/webhooks.</p>`
      : endpoints.data.data.map((e) => html`<${EndpointCard} ...${props} endpoint=${e} stats=${queues.data?.webhooks.find((w) => w.endpoint_id === e.id)} key=${e.id} />`))}
  </div>`;
}
