/** Test send: a text or a template to one recipient, then the message's history live until it settles. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { Problem } from '../api.ts';
import { problemOf } from '../hooks.ts';
import { ProblemNote, type PageProps } from '../ui.ts';
import { MessageHistory } from './messages.ts';

type Kind = 'text' | 'template';

function body(form: FormData, kind: Kind): Record<string, unknown> {
  const field = (name: string): string => String(form.get(name) ?? '').trim();
  const from = field('from');
  const common = { to: field('to'), ...(from === '' ? {} : { from }) };
  if (kind === 'text') return { ...common, type: 'text', text: { body: field('text') } };
  return { ...common, type: 'template', template: { name: field('template'), language: { code: field('language') } } };
}

export function SendPage(props: PageProps) {
  const [kind, setKind] = useState<Kind>('text');
  const [sent, setSent] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = (e: Event): void => {
    e.preventDefault();
    setProblem(undefined);
    setBusy(true);
    props.api.send<{ id: string }>('POST', '/v1/messages', body(new FormData(e.target as HTMLFormElement), kind))
      .then((answer) => setSent(answer.id), (error: unknown) => setProblem(problemOf(error)))
      .finally(() => setBusy(false));
  };
  return html`<div class="page">
    <form class="send" onSubmit=${submit}>
      <fieldset>
        <legend>Message type</legend>
        <label><input type="radio" name="kind" value="text" checked=${kind === 'text'} onChange=${() => setKind('text')} /> Text</label>
        <label><input type="radio" name="kind" value="template" checked=${kind === 'template'} onChange=${() => setKind('template')} /> Template</label>
      </fieldset>
      <label for="send-to">Recipient (international digits)</label>
      <input id="send-to" name="to" required inputmode="tel" autocomplete="off" />
      <label for="send-from">Sending number (empty: the account's default)</label>
      <input id="send-from" name="from" autocomplete="off" />
      ${kind === 'text' ? html`<label for="send-text">Text</label><textarea id="send-text" name="text" required maxLength="4096" rows="3"></textarea>` : html`
        <label for="send-template">Template name</label><input id="send-template" name="template" required value="hello_world" />
        <label for="send-language">Language</label><input id="send-language" name="language" required value="en_US" />`}
      <button type="submit" disabled=${busy}>Send</button>
    </form>
    <${ProblemNote} problem=${problem} />
    ${sent && html`<section aria-labelledby="sent-heading">
      <h2 id="sent-heading">Sent: <a href=${`#/messages/${sent}`}><code>${sent}</code></a></h2>
      <${MessageHistory} api=${props.api} id=${sent} key=${sent} />
    </section>`}
  </div>`;
}
