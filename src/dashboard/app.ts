/** The shell: login until a key is known, then the navigation and the page the address names. */
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, type Who } from './api.ts';
import { problemOf } from './hooks.ts';
import { LoginPage } from './pages/login.ts';
import { PAGES, type PageEntry } from './pages/index.ts';
import { useRoute } from './router.ts';
import { forgetKey, keepKey, storedKey } from './session.ts';
import { ProblemNote } from './ui.ts';
import type { Problem } from './api.ts';

function Navigation(props: { readonly pages: readonly PageEntry[]; readonly current: string }) {
  return html`<nav aria-label="Dashboard pages">
    <ul>
      ${props.pages.map((p) => html`<li><a href=${`#/${p.id}`} aria-current=${p.id === props.current ? 'page' : undefined}>${p.title}</a></li>`)}
    </ul>
  </nav>`;
}

function Shell(props: { readonly api: Api; readonly who: Who; readonly onLogout: () => void }) {
  const route = useRoute();
  const pages = PAGES.filter((p) => p.for.includes(props.who.kind));
  const page = pages.find((p) => p.id === route.page) ?? pages[0]!;
  const heading = useRef<HTMLHeadingElement>(null);
  // A new page moves focus to its heading, so keyboard and screen-reader users start at its top.
  useEffect(() => heading.current?.focus(), [page.id]);
  return html`<div class="shell">
    <header>
      <a class="skip" href="#main">Skip to content</a>
      <span class="brand">Switchboard</span>
      <span class="who">${props.who.kind === 'admin' ? 'Admin key' : `Account ${props.who.account_name ?? props.who.account_id}`}</span>
      <button type="button" onClick=${props.onLogout}>Log out</button>
    </header>
    <${Navigation} pages=${pages} current=${page.id} />
    <main id="main">
      <h1 tabindex="-1" ref=${heading}>${page.title}</h1>
      <${page.component} api=${props.api} who=${props.who} rest=${route.page === page.id ? route.rest : []} params=${route.params} />
    </main>
  </div>`;
}

export function App() {
  const [key, setKey] = useState<string | null>(storedKey());
  const [who, setWho] = useState<Who | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const api = useMemo(() => (key === null ? undefined : new Api(key)), [key]);
  useEffect(() => {
    if (!api) return;
    api.get<Who>('/v1/me').then(setWho, (error: unknown) => {
      setProblem(problemOf(error));
      forgetKey();
      setKey(null);
    });
  }, [api]);
  const login = (secret: string): void => {
    setProblem(undefined);
    keepKey(secret);
    setKey(secret);
  };
  const logout = (): void => {
    forgetKey();
    setWho(undefined);
    setKey(null);
  };
  if (!api) return html`<${LoginPage} onLogin=${login} problem=${problem} />`;
  if (!who) return html`<main id="main"><p>Checking the key…</p><${ProblemNote} problem=${problem} /></main>`;
  return html`<${Shell} api=${api} who=${who} onLogout=${logout} />`;
}
