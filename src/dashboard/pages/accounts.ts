/** Accounts (admin keys): state, credit and ledger, keys (create with the secret shown once, revoke), numbers and limits. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { query, type Problem } from '../api.ts';
import { problemOf, useLoaded } from '../hooks.ts';
import { ProblemNote, time, type PageProps } from '../ui.ts';

interface Account { id: string; name: string; state: string; credit: number | null; rate_limit_per_second: number | null; default_number_id: string | null; expires_at: string | null }
interface Key { id: string; name: string; prefix: string; kind: string; created_at: string; revoked_at: string | null }
interface Ledger { balance: number | null; data: { id: string; kind: string; amount: number; note: string | null; message_id: string | null; created_at: string }[] }
interface NumberView { id: string; display_phone_number: string; account_id: string | null; registration: string; max_mps: number; connection: string }
interface Controls { messaging_tier: number | null; spam_threshold: number | null; requests_per_minute: number | null; whatsapp_api_disabled: boolean }

function Keys(props: PageProps & { readonly account: Account }) {
  const [refresh, setRefresh] = useState(0);
  const [created, setCreated] = useState<{ name: string; key: string } | undefined>(undefined);
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const [name, setName] = useState('');
  const keys = useLoaded<{ data: Key[] }>(props.api, `/v1/admin/keys${query({ account_id: props.account.id })}`, refresh);
  const act = (work: Promise<unknown>): void => {
    setProblem(undefined);
    work.then(() => setRefresh((n) => n + 1), (error: unknown) => setProblem(problemOf(error)));
  };
  const create = (e: Event): void => {
    e.preventDefault();
    act(props.api.send<{ key: string; name: string }>('POST', '/v1/admin/keys', { account_id: props.account.id, ...(name ? { name } : {}) })
      .then((answer) => { setCreated({ name: answer.name, key: answer.key }); setName(''); }));
  };
  const revoke = (key: Key): void => {
    if (confirming !== key.id) return setConfirming(key.id);
    setConfirming(undefined);
    act(props.api.send('DELETE', `/v1/admin/keys/${key.id}`));
  };
  return html`<section aria-labelledby="keys-heading">
    <h3 id="keys-heading">Keys</h3>
    <${ProblemNote} problem=${problem ?? keys.problem} />
    ${created && html`<div class="secret" role="status">
      <p>New key <strong>${created.name}</strong>. Copy it now: it is never shown again.</p>
      <p><code data-testid="new-secret">${created.key}</code></p>
      <button type="button" onClick=${() => setCreated(undefined)}>I have copied it</button></div>`}
    <form class="inline" onSubmit=${create}>
      <label for="key-name">New key name</label>
      <input id="key-name" value=${name} maxLength="200" onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
      <button type="submit">Create key</button>
    </form>
    ${keys.data && html`<div class="scroll"><table>
      <caption>Keys of ${props.account.name}</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Created</th><th scope="col">State</th><th scope="col">Action</th></tr></thead>
      <tbody>${keys.data.data.map((k) => html`<tr>
        <td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${time(k.created_at)}</td>
        <td>${k.revoked_at ? `revoked ${time(k.revoked_at)}` : 'active'}</td>
        <td>${k.revoked_at ? '' : html`<button type="button" class=${confirming === k.id ? 'danger' : ''} onClick=${() => revoke(k)}>
          ${confirming === k.id ? `Confirm: revoke ${k.name}` : `Revoke ${k.name}`}</button>`}</td>
      </tr>`)}</tbody>
    </table></div>`}
  </section>`;
}

function AccountDetail(props: PageProps & { readonly account: Account }) {
  const a = props.account;
  const ledger = useLoaded<Ledger>(props.api, `/v1/admin/accounts/${a.id}/ledger?limit=20`);
  const controls = useLoaded<Controls>(props.api, `/v1/admin/accounts/${a.id}/controls`);
  const numbers = useLoaded<{ data: NumberView[] }>(props.api, '/v1/admin/numbers');
  const mine = (numbers.data?.data ?? []).filter((n) => n.account_id === a.id);
  return html`<article class="account" aria-labelledby="account-heading">
    <h2 id="account-heading">${a.name} <code>${a.id}</code></h2>
    <dl class="facts">
      <dt>State</dt><dd>${a.state}</dd>
      <dt>Credit</dt><dd>${a.credit === null ? 'not on prepaid credit' : a.credit}</dd>
      <dt>Requests per second</dt><dd>${a.rate_limit_per_second ?? 'no limit'}</dd>
      <dt>Expires</dt><dd>${time(a.expires_at)}</dd>
      ${controls.data && html`<dt>Messaging tier</dt><dd>${controls.data.messaging_tier ?? 'none'}</dd>
        <dt>Spam threshold</dt><dd>${controls.data.spam_threshold ?? 'none'}</dd>
        <dt>Requests per minute</dt><dd>${controls.data.requests_per_minute ?? 'no limit'}</dd>
        <dt>WhatsApp API</dt><dd>${controls.data.whatsapp_api_disabled ? 'disabled' : 'enabled'}</dd>`}
    </dl>
    <p><a href=${`#/overview?account_id=${a.id}`}>Overview of this account</a> · <a href=${`#/errors?account_id=${a.id}`}>Its errors</a></p>
    <${Keys} ...${props} account=${a} />
    <h3>Numbers</h3>
    ${mine.length === 0 ? html`<p>No numbers.</p>` : html`<ul>${mine.map((n) => html`<li>${n.display_phone_number} <code>${n.id}</code>: ${n.registration}, ${n.connection}, ${n.max_mps} per s</li>`)}</ul>`}
    <h3>Credit ledger</h3>
    <${ProblemNote} problem=${ledger.problem} />
    ${ledger.data && html`<div class="scroll"><table>
      <caption>Latest credit movements (balance ${ledger.data.balance ?? '—'})</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">Amount</th><th scope="col">Note</th></tr></thead>
      <tbody>${ledger.data.data.length === 0 ? html`<tr><td colspan="4">No movements.</td></tr>` : ledger.data.data.map((e) => html`<tr>
        <td>${time(e.created_at)}</td><td>${e.kind}</td><td>${e.amount}</td><td>${e.note ?? e.message_id ?? ''}</td></tr>`)}</tbody>
    </table></div>`}
  </article>`;
}

export function AccountsPage(props: PageProps) {
  const accounts = useLoaded<{ data: Account[] }>(props.api, '/v1/admin/accounts');
  const selected = accounts.data?.data.find((a) => a.id === props.rest[0]);
  return html`<div class="page">
    <${ProblemNote} problem=${accounts.problem} />
    ${accounts.data && html`<div class="scroll"><table>
      <caption>Accounts</caption>
      <thead><tr><th scope="col">Account</th><th scope="col">State</th><th scope="col">Credit</th></tr></thead>
      <tbody>${accounts.data.data.map((a) => html`<tr>
        <td><a href=${`#/accounts/${a.id}`} aria-current=${a.id === selected?.id ? 'true' : undefined}>${a.name}</a> <code>${a.id}</code></td>
        <td>${a.state}</td><td>${a.credit ?? '—'}</td></tr>`)}</tbody>
    </table></div>`}
    ${selected && html`<${AccountDetail} ...${props} account=${selected} key=${selected.id} />`}
  </div>`;
}
