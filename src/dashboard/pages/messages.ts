/** Messages: the searchable list (recipient, status, number, time, code), and one message's whole history. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { query } from '../api.ts';
import { useLoaded, usePolled } from '../hooks.ts';
import { go } from '../router.ts';
import type { MessageView } from '../stats-types.ts';
import { CatalogLink, ProblemNote, time, type PageProps } from '../ui.ts';
import { FINAL_STATES, MESSAGE_STATES } from '../../domain/message-state.js';

const FIELDS = [
  { name: 'to', label: 'Recipient', type: 'text' },
  { name: 'number_id', label: 'Number id', type: 'text' },
  { name: 'code', label: 'Error code (namespace/code)', type: 'text' },
  { name: 'since', label: 'Created from', type: 'datetime-local' },
  { name: 'until', label: 'Created before', type: 'datetime-local' },
] as const;

/** The list's query from the form's fields: local times become ISO 8601. */
function listQuery(params: URLSearchParams): string {
  const fields: Record<string, string | undefined> = {};
  for (const name of ['status', 'to', 'number_id', 'code', 'account_id']) fields[name] = params.get(name) ?? undefined;
  for (const name of ['since', 'until']) {
    const value = params.get(name);
    fields[name] = value ? new Date(value).toISOString() : undefined;
  }
  return query(fields);
}

/** What an admin key adds to the search: one account, or every account when left empty. */
const ADMIN_FIELDS = [{ name: 'account_id', label: 'Account id (empty: every account)', type: 'text' }, ...FIELDS] as const;

function SearchForm(props: { readonly params: URLSearchParams; readonly admin: boolean }) {
  const submit = (e: Event): void => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const fields: Record<string, string> = {};
    for (const [name, value] of form.entries()) if (typeof value === 'string' && value !== '') fields[name] = value;
    go(`#/messages${query(fields)}`);
  };
  return html`<form class="search" onSubmit=${submit} aria-label="Search messages">
    <div><label for="search-status">Status</label>
      <select id="search-status" name="status" value=${props.params.get('status') ?? ''}>
        <option value="">Any</option>${MESSAGE_STATES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select></div>
    ${(props.admin ? ADMIN_FIELDS : FIELDS).map((f) => html`<div><label for=${`search-${f.name}`}>${f.label}</label>
      <input id=${`search-${f.name}`} name=${f.name} type=${f.type} value=${props.params.get(f.name) ?? ''} /></div>`)}
    <div class="actions"><button type="submit">Search</button> <a href="#/messages">Clear</a></div>
  </form>`;
}

function MessageList(props: PageProps) {
  const list = useLoaded<{ data: MessageView[] }>(props.api, `/v1/messages${listQuery(props.params)}`);
  return html`<div class="page">
    <${SearchForm} params=${props.params} admin=${props.who.kind === 'admin'} key=${props.params.toString()} />
    <${ProblemNote} problem=${list.problem} />
    ${list.data && html`<div class="scroll"><table>
      <caption>${list.data.data.length} messages, newest first</caption>
      <thead><tr><th scope="col">Message</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Error</th><th scope="col">Created</th></tr></thead>
      <tbody>${list.data.data.map((m) => html`<tr>
        <td><a href=${`#/messages/${m.id}`}><code>${m.id}</code></a></td><td>${m.to}</td><td class=${`status-${m.status}`}>${m.status}</td>
        <td>${m.error ? html`<${CatalogLink} error=${m.error} />` : ''}</td><td>${time(m.created_at)}</td>
      </tr>`)}</tbody>
    </table></div>`}
  </div>`;
}

interface History {
  readonly message: MessageView;
  readonly pending: { upstream_attempts: number; first_attempt_at: string | null; next_attempt_at: string } | null;
  readonly events: readonly { id: string; type: string; at: string; data: Record<string, unknown> }[];
  readonly webhook_attempts: readonly {
    id: string; endpoint_id: string; event_id: string; trigger: string; outcome: string; status_code: number | null; duration_ms: number; response_excerpt: string | null; at: string;
  }[];
}

const SETTLED = new Set<string>(FINAL_STATES);

export function MessageHistory(props: { readonly api: PageProps['api']; readonly id: string; readonly accountId?: string | null }) {
  const path = `/v1/messages/${encodeURIComponent(props.id)}/history${query({ account_id: props.accountId ?? undefined })}`;
  const history = usePolled<History>(props.api, path);
  const h = history.data;
  const eventTypes = new Map((h?.events ?? []).map((e) => [e.id, e.type]));
  return html`<div class="history">
    <${ProblemNote} problem=${history.problem} />
    ${h && html`
      <dl class="facts">
        <dt>Message</dt><dd><code>${h.message.id}</code></dd>
        <dt>Status</dt><dd class=${`status-${h.message.status}`} data-status=${h.message.status}>${h.message.status}${SETTLED.has(h.message.status) ? '' : ' (live)'}</dd>
        <dt>To</dt><dd>${h.message.to}</dd><dt>Number</dt><dd><code>${h.message.number_id}</code></dd>
        <dt>wamid</dt><dd>${h.message.wamid ?? '—'}</dd>
        ${h.pending && html`<dt>Upstream calls</dt><dd>${h.pending.upstream_attempts} so far${h.message.error ? ' (the last answer is the error below)' : ''}; next due ${time(h.pending.next_attempt_at)}</dd>`}
        ${h.message.error && html`<dt>Error</dt><dd><${CatalogLink} error=${h.message.error} />${h.message.error.detail ? ` — ${h.message.error.detail}` : ''}</dd>`}
      </dl>
      <h2>Statuses</h2>
      <ol class="timeline">${Object.entries(h.message.timestamps).sort(([, a], [, b]) => a.localeCompare(b)).map(([state, at]) => html`<li><strong>${state}</strong> ${time(at)}</li>`)}</ol>
      <h2>Events (upstream answers)</h2>
      <div class="scroll"><table>
        <caption>Events of this message, oldest first</caption>
        <thead><tr><th scope="col">Event</th><th scope="col">At</th><th scope="col">Details</th></tr></thead>
        <tbody>${h.events.map((e) => html`<tr><td>${e.type}</td><td>${time(e.at)}</td><td><code class="json">${JSON.stringify(e.data)}</code></td></tr>`)}</tbody>
      </table></div>
      <h2>Customer webhook deliveries</h2>
      ${h.webhook_attempts.length === 0 ? html`<p>No webhook posts of this message's events.</p>` : html`<div class="scroll"><table>
        <caption>Posts to your webhook endpoints</caption>
        <thead><tr><th scope="col">Event</th><th scope="col">Endpoint</th><th scope="col">Outcome</th><th scope="col">HTTP</th><th scope="col">Time</th><th scope="col">At</th></tr></thead>
        <tbody>${h.webhook_attempts.map((a) => html`<tr>
          <td>${eventTypes.get(a.event_id) ?? a.event_id}</td><td><code>${a.endpoint_id}</code></td><td>${a.outcome} (${a.trigger})</td>
          <td>${a.status_code ?? '—'}</td><td>${a.duration_ms} ms</td><td>${time(a.at)}</td>
        </tr>`)}</tbody>
      </table></div>`}`}
  </div>`;
}

function AdminLookup() {
  const [id, setId] = useState('');
  const open = (e: Event): void => {
    e.preventDefault();
    if (id.trim() !== '') go(`#/messages/${encodeURIComponent(id.trim())}`);
  };
  return html`<div class="page">
    <form onSubmit=${open} aria-label="Open a message by its id"><label for="lookup-id">Message id</label>
      <input id="lookup-id" value=${id} onInput=${(e: Event) => setId((e.target as HTMLInputElement).value)} />
      <button type="submit">Open</button></form>
  </div>`;
}

export function MessagesPage(props: PageProps) {
  const id = props.rest[0];
  if (id !== undefined) return html`<div class="page"><p><a href="#/messages">Back to the list</a></p><${MessageHistory} api=${props.api} id=${id} /></div>`;
  return html`${props.who.kind === 'admin' && html`<${AdminLookup} />`}<${MessageList} ...${props} />`;
}
