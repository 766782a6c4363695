/** The error catalog, searchable: the same entries as `switchboard explain` and GET /v1/errors. */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLoaded } from '../hooks.ts';
import { catalogHref, ProblemNote, type PageProps } from '../ui.ts';

interface Entry { namespace: string; code: string | number; title: string; meaning: string; retryable: boolean; action: string; http_status: number; retry: { class: string } }

function matches(entry: Entry, words: readonly string[]): boolean {
  const text = `${entry.namespace}/${String(entry.code)} ${entry.title} ${entry.meaning} ${entry.action}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

export function CatalogPage(props: PageProps) {
  const catalog = useLoaded<{ data: Entry[] }>(props.api, '/v1/errors');
  const [search, setSearch] = useState('');
  const [namespace, code] = props.rest;
  const chosen = useRef<HTMLElement>(null);
  const words = search.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const entries = (catalog.data?.data ?? []).filter((e) => (namespace === undefined || (e.namespace === namespace && String(e.code) === code)) && matches(e, words));
  useEffect(() => chosen.current?.scrollIntoView(), [catalog.data, namespace, code]);
  return html`<div class="page">
    <div class="toolbar">
      <label for="catalog-search">Search the catalog</label>
      <input id="catalog-search" type="search" value=${search} onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} />
      ${namespace !== undefined && html`<a href="#/catalog">Show every entry</a>`}
    </div>
    <${ProblemNote} problem=${catalog.problem} />
    <p role="status">${catalog.data ? `${entries.length} entries` : 'Loading…'}</p>
    ${entries.slice(0, 200).map((e) => html`<article class="entry" id=${`entry-${e.namespace}-${String(e.code)}`} ref=${namespace !== undefined ? chosen : undefined}>
      <h2><a href=${catalogHref(e)}><code>${e.namespace}/${String(e.code)}</code></a> ${e.title}</h2>
      <p>${e.meaning}</p>
      <dl class="facts"><dt>Retry</dt><dd>${e.retry.class}${e.retryable ? ' (retryable)' : ''}</dd><dt>HTTP</dt><dd>${e.http_status}</dd><dt>What to do</dt><dd>${e.action}</dd></dl>
    </article>`)}
    ${entries.length > 200 && html`<p>Showing 200 of ${entries.length}; narrow the search.</p>`}
  </div>`;
}
