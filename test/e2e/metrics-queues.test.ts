/**
 * The gauges read from the store at scrape time: outbox depth and the oldest due job's age per number, and the
 * customer-webhook backlog per endpoint, on a gateway that accepts but does not dispatch and an endpoint that is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';
import { byLabels, parseSamples, type Sample } from '../helpers/prometheus-text.js';
import { startReceiver, type Receiver } from './webhooks-harness.js';

let h: DispatchHarness;
let down: Receiver;
let sender: Sender;
let endpointId: string;
let acceptedAt: number;

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const text = await (await fetch(`${h.gateway.metricsUrl as string}/metrics`)).text();
  return { text, samples: parseSamples(text) };
}

beforeAll(async () => {
  down = await startReceiver();
  await down.down();
  // A long retry wait keeps the failed first attempts pending.
  h = await startDispatchHarness({ withoutDispatcher: true, gateway: { metricsPort: 0, webhookAllowPrivate: true, webhookRetrySchedule: [600] } });
  sender = await h.createSender();
  const res = await fetch(`${h.gateway.url}/v1/webhooks`, {
    method: 'POST', headers: { 'x-api-key': sender.key, 'content-type': 'application/json' },
    body: JSON.stringify({ url: down.url, event_types: ['message.accepted'] }),
  });
  endpointId = String(((await res.json()) as { id: string }).id);
  acceptedAt = Date.now();
  await h.sendTemplate(sender, '491712345001');
  await h.sendTemplate(sender, '491712345002');
}, 30_000);

afterAll(async () => {
  await h?.close();
  await down?.close();
});

describe('queue gauges', () => {
  it('count the outbox per number and age its oldest due job', async () => {
    const { samples } = await h.waitFor(async () => {
      const scraped = await scrape();
      // Readings are cached for a second: wait for one taken after both sends.
      return byLabels(scraped.samples, 'switchboard_dispatch_queue_depth', ['number'])[sender.numberId] === 2 ? scraped : undefined;
    });
    const age = byLabels(samples, 'switchboard_dispatch_oldest_due_age_seconds', ['number'])[sender.numberId] as number;
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThanOrEqual((Date.now() - acceptedAt) / 1000 + 0.1);
  });

  it('count pending customer-webhook deliveries per endpoint', async () => {
    const { samples } = await h.waitFor(async () => {
      const scraped = await scrape();
      return byLabels(scraped.samples, 'switchboard_customer_webhook_backlog', ['endpoint'])[endpointId] === 2 ? scraped : undefined;
    });
    expect(byLabels(samples, 'switchboard_customer_webhook_backlog', ['endpoint'])).toEqual({ [endpointId]: 2 });
  });

  it('tell in their help that every process reads the same figure', async () => {
    const { text } = await scrape();
    for (const name of ['switchboard_dispatch_queue_depth', 'switchboard_dispatch_oldest_due_age_seconds', 'switchboard_customer_webhook_backlog'])
      expect(text).toMatch(new RegExp(`^# HELP ${name} .*same in every process.*max\\(\\)`, 'm'));
  });
});
