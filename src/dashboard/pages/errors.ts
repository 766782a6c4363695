/** Errors: failures by catalog code over time (chart and table, each code linked to its entry) and preflight's share. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { query } from '../api.ts';
import { TimeChart } from '../chart.ts';
import { usePolled } from '../hooks.ts';
import type { ErrorStats } from '../stats-types.ts';
import { CatalogLink, PeriodPicker, periodQuery, ProblemNote, share, Updated, type PageProps } from '../ui.ts';

function Preflight(props: { readonly preflight: ErrorStats['preflight']; readonly admin: boolean }) {
  const p = props.preflight;
  if (p === null) {
    return html`<p>${props.admin
      ? 'This process keeps no metrics, so preflight refusals are not known.'
      : 'Preflight refusals are never stored: they are counted per gateway process for every account, so only an admin key sees them.'}</p>`;
  }
  return html`<p>Preflight stopped <strong>${share(p.share)}</strong> of the bad sends this process saw since it started
      (${p.refused} refused before any upstream request, ${p.failed_after_accept} failed after they were accepted).</p>
    ${p.by_code.length > 0 && html`<ul>${p.by_code.map((c) => html`<li><${CatalogLink} error=${c} />: ${c.count}</li>`)}</ul>`}`;
}

export function ErrorsPage(props: PageProps) {
  const [period, setPeriod] = useState(1);
  const [filter, setFilter] = useState('');
  const stats = usePolled<ErrorStats>(props.api, `/v1/stats/errors${query(periodQuery(period, props.params.get('account_id')))}`);
  const codes = (stats.data?.codes ?? []).filter((c) => filter === '' || c.key === filter);
  const series = (stats.data?.series ?? []).map((p) => ({ at: p.at, counts: filter === '' ? p.counts : { [filter]: p.counts[filter] ?? 0 } }));
  return html`<div class="page">
    <div class="toolbar">
      <${PeriodPicker} id="errors-period" value=${period} onChange=${setPeriod} />
      <label for="errors-code">Code </label>
      <select id="errors-code" value=${filter} onChange=${(e: Event) => setFilter((e.target as HTMLSelectElement).value)}>
        <option value="">Every code</option>
        ${(stats.data?.codes ?? []).map((c) => html`<option value=${c.key}>${c.key}</option>`)}
      </select>
      <${Updated} at=${stats.checkedAt} />
    </div>
    <${ProblemNote} problem=${stats.problem} />
    ${stats.data && html`
      <${TimeChart} label="Failed messages by catalog code" points=${series} />
      <div class="scroll"><table>
        <caption>Failures by catalog code in the period</caption>
        <thead><tr><th scope="col">Code</th><th scope="col">Failures</th><th scope="col">Retryable</th><th scope="col">What to do</th><th scope="col">Messages</th></tr></thead>
        <tbody>${codes.length === 0 ? html`<tr><td colspan="5">No failures in this period.</td></tr>` : codes.map((c) => html`<tr>
          <td><${CatalogLink} error=${c} /></td><td>${c.count}</td><td>${c.retryable === undefined ? '—' : c.retryable ? 'yes' : 'no'}</td>
          <td>${c.action ?? ''}</td>
          <td>${props.who.kind === 'account' ? html`<a href=${`#/messages?status=failed&code=${encodeURIComponent(c.key)}`}>Show messages with ${c.key}</a>` : '—'}</td>
        </tr>`)}</tbody>
      </table></div>
      <h2>Stopped by preflight</h2>
      <${Preflight} preflight=${stats.data.preflight} admin=${props.who.kind === 'admin'} />`}
  </div>`;
}
