/** Every page, who may open it, in the navigation's order. */
import type { FunctionComponent } from 'preact';
import type { PageProps } from '../ui.ts';
import { AccountsPage } from './accounts.ts';
import { CatalogPage } from './catalog.ts';
import { ErrorsPage } from './errors.ts';
import { MessagesPage } from './messages.ts';
import { NumbersPage } from './numbers.ts';
import { OverviewPage } from './overview.ts';
import { SendPage } from './send.ts';
import { WebhooksPage } from './webhooks.ts';

export interface PageEntry {
  readonly id: string;
  readonly title: string;
  readonly for: readonly ('admin' | 'account')[];
  readonly component: FunctionComponent<PageProps>;
}

const BOTH = ['admin', 'account'] as const;

export const PAGES: readonly PageEntry[] = [
  { id: 'overview', title: 'Overview', for: BOTH, component: OverviewPage },
  { id: 'errors', title: 'Errors', for: BOTH, component: ErrorsPage },
  { id: 'messages', title: 'Messages', for: BOTH, component: MessagesPage },
  { id: 'accounts', title: 'Accounts', for: ['admin'], component: AccountsPage },
  { id: 'numbers', title: 'Numbers', for: BOTH, component: NumbersPage },
  { id: 'webhooks', title: 'Webhook endpoints', for: ['account'], component: WebhooksPage },
  { id: 'catalog', title: 'Error catalog', for: BOTH, component: CatalogPage },
  { id: 'send', title: 'Test send', for: ['account'], component: SendPage },
];
