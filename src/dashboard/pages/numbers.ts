/** Numbers: registration, sending state (paused or parked, with the reason), queue and throughput against the limit. */
import { html } from 'htm/preact';
import { query } from '../api.ts';
import { usePolled } from '../hooks.ts';
import type { NumberQueue, QueueStats } from '../stats-types.ts';
import { CatalogLink, ProblemNote, time, Updated, type PageProps } from '../ui.ts';

export function NumberTable(props: { readonly numbers: readonly NumberQueue[] }) {
  if (props.numbers.length === 0) return html`<p>No numbers.</p>`;
  return html`<div class="scroll"><table>
    <caption>Numbers: queue depth, oldest due job and throughput (last minute) against the configured limit</caption>
    <thead><tr>
      <th scope="col">Number</th><th scope="col">Registration</th><th scope="col">State</th><th scope="col">Queued</th>
      <th scope="col">Oldest due</th><th scope="col">Throughput</th>
    </tr></thead>
    <tbody>${props.numbers.map((n) => html`<tr>
      <td>${n.display_phone_number} <code>${n.number_id}</code></td>
      <td>${n.registration}</td>
      <td class=${`state-${n.state}`}>${n.state}${n.held_until ? ` until ${time(n.held_until)}` : ''}
        ${n.reason ? html`<br /><${CatalogLink} error=${n.reason} />` : ''}</td>
      <td>${n.queue_depth}</td>
      <td>${n.oldest_due_at ? `${Math.max(0, (Date.now() - Date.parse(n.oldest_due_at)) / 1000).toFixed(0)} s` : '—'}</td>
      <td><meter min="0" max=${n.max_mps} value=${n.throughput_per_second} aria-label=${`throughput of ${n.display_phone_number}`}></meter>
        ${n.throughput_per_second.toFixed(2)} / ${n.max_mps} per s</td>
    </tr>`)}</tbody>
  </table></div>`;
}

export function CircuitList(props: { readonly circuits: QueueStats['circuits'] }) {
  if (props.circuits === null) return html`<p>This process keeps no circuit figures.</p>`;
  if (props.circuits.length === 0) return html`<p>No upstream host called yet.</p>`;
  return html`<ul class="circuits">${props.circuits.map((c) => html`<li class=${c.open ? 'state-parked' : 'state-sending'}>
    ${c.host}: ${c.open ? 'open (only probes go out)' : 'closed'}</li>`)}</ul>`;
}

export function NumbersPage(props: PageProps) {
  const accountId = props.params.get('account_id');
  const queues = usePolled<QueueStats>(props.api, `/v1/stats/queues${query({ account_id: accountId ?? undefined })}`);
  return html`<div class="page">
    <${Updated} at=${queues.checkedAt} />
    <${ProblemNote} problem=${queues.problem} />
    ${queues.data && html`<${NumberTable} numbers=${queues.data.numbers} />`}
  </div>`;
}
