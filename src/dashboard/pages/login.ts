/** Login: an account or admin key, kept for this tab only. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { Problem } from '../api.ts';
import { ProblemNote } from '../ui.ts';

export function LoginPage(props: { readonly onLogin: (key: string) => void; readonly problem: Problem | undefined }) {
  const [key, setKey] = useState('');
  const submit = (e: Event): void => {
    e.preventDefault();
    if (key.trim() !== '') props.onLogin(key.trim());
  };
  return html`<main id="main" class="login">
    <h1>Switchboard</h1>
    <form onSubmit=${submit}>
      <label for="login-key">API key (account or admin)</label>
      <input id="login-key" name="key" type="password" autocomplete="off" required value=${key}
        onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} />
      <p class="hint">Kept in this tab only (session storage) and sent as the Authorization header.</p>
      <button type="submit">Log in</button>
    </form>
    <${ProblemNote} problem=${props.problem} />
  </main>`;
}
