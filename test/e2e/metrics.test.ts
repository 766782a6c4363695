/**
 * /metrics after a scripted run over real sockets: sends delivered and read, a number the simulator throttles, a number
 * paced below its sends, a send the upstream refuses, a preflight refusal, a customer endpoint that fails and one that
 * answers; the counters must say exactly that, and no label may carry a recipient's number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE } from '../../src/domain/retry-policy.js';
import { startDispatchHarness, type DispatchHarness, type Sender } from '../helpers/dispatch-harness.js';
import { byLabels, parseSamples, total, type Sample } from '../helpers/prometheus-text.js';
import { startReceiver, type Receiver } from './webhooks-harness.js';

const ADMIN_KEY = 'metrics-admin-key-0123456789abcdef';
const recipients: string[] = [];
const nextRecipient = () => {
  const to = `4917${String(60_000_000 + recipients.length + 1)}`;
  recipients.push(to);
  return to;
};

let h: DispatchHarness;
let answering: Receiver;
let failing: Receiver;
let plain: Sender;
let throttled: Sender;
let paced: Sender;
let samples: Sample[];
let preflightStatus: number;

async function scrape(url: string, key?: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${url}/metrics`, key === undefined ? {} : { headers: { 'x-api-key': key } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

async function subscribe(sender: Sender, url: string, eventTypes: readonly string[]): Promise<void> {
  const res = await fetch(`${h.gateway.url}/v1/webhooks`, {
    method: 'POST', headers: { 'x-api-key': sender.key, 'content-type': 'application/json' }, body: JSON.stringify({ url, event_types: eventTypes }),
  });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  answering = await startReceiver();
  failing = await startReceiver();
  failing.answer = 500;
  h = await startDispatchHarness({
    gateway: { metricsPort: 0, adminKey: ADMIN_KEY, webhookAllowPrivate: true, webhookRetrySchedule: [0.05] },
    dispatcher: { retry: { ...DEFAULT_RETRY_SCHEDULE, baseMs: 100, capMs: 400, maxAttempts: 6 } },
  });
  plain = await h.createSender();
  throttled = await h.createSender();
  paced = await h.createSender({ mps: 1 });
  await subscribe(plain, answering.url, ['message.read']);
  await subscribe(throttled, failing.url, ['message.sent']);

  const refusedTo = nextRecipient();
  h.simulator.admin.addFault({ error: 132000, count: 1, match: { to: refusedTo } });
  h.simulator.admin.addFault({ error: 130429, count: 1, match: { phoneNumberId: throttled.phoneNumberId } });
  const read = [
    ...(await Promise.all([1, 2, 3].map(() => h.sendTemplate(plain, nextRecipient())))).map((id) => ({ sender: plain, id })),
    { sender: throttled, id: await h.sendTemplate(throttled, nextRecipient()) },
    ...(await Promise.all([1, 2, 3].map(() => h.sendTemplate(paced, nextRecipient())))).map((id) => ({ sender: paced, id })),
  ];
  const refused = await h.sendTemplate(plain, refusedTo);
  // Text to someone who never wrote: preflight refuses it before any request upstream.
  preflightStatus = (await h.send(plain, { to: nextRecipient(), type: 'text', text: { body: 'hello' } })).status;

  for (const { sender, id } of read) await h.waitForStatus(sender, [id], ['read']);
  await h.waitForStatus(plain, [refused], ['failed']);
  await h.simulator.admin.flushWebhooks();
  await h.gateway.metaWebhooks.idle();
  await h.waitFor(() => answering.received.length >= 3 && failing.received.length >= 2);
  // Attempts are counted once settled, just after their answers arrive.
  samples = await h.waitFor(async () => {
    const scraped = parseSamples((await scrape(h.gateway.metricsUrl as string)).text);
    return total(scraped, 'switchboard_customer_webhook_attempts_total') === 5 ? scraped : undefined;
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await answering?.close();
  await failing?.close();
});

describe('/metrics after a scripted run', () => {
  it('counts accepted messages and the statuses they reached, by sending number', () => {
    expect(byLabels(samples, 'switchboard_messages_accepted_total', ['number'])).toEqual({ [plain.numberId]: 4, [throttled.numberId]: 1, [paced.numberId]: 3 });
    expect(byLabels(samples, 'switchboard_message_status_total', ['number', 'status'])).toEqual({
      [`${plain.numberId},sent`]: 3, [`${plain.numberId},delivered`]: 3, [`${plain.numberId},read`]: 3, [`${plain.numberId},failed`]: 1,
      [`${throttled.numberId},sent`]: 1, [`${throttled.numberId},delivered`]: 1, [`${throttled.numberId},read`]: 1,
      [`${paced.numberId},sent`]: 3, [`${paced.numberId},delivered`]: 3, [`${paced.numberId},read`]: 3,
    });
  });

  it('counts failures by catalog entry and preflight refusals by code', () => {
    expect(preflightStatus).toBe(422);
    expect(byLabels(samples, 'switchboard_message_failures_total', ['namespace', 'code'])).toEqual({ 'meta,132000': 1 });
    expect(byLabels(samples, 'switchboard_preflight_refusals_total', ['code'])).toEqual({ outside_service_window: 1 });
  });

  it('counts upstream calls by outcome and retry class, each with its latency', () => {
    expect(byLabels(samples, 'switchboard_upstream_calls_total', ['outcome', 'retry_class'])).toEqual({ 'sent,none': 7, 'retry,throttled': 1, 'fail,fix-request': 1 });
    expect(byLabels(samples, 'switchboard_upstream_call_duration_seconds_count', ['outcome'])).toEqual({ sent: 7, retry: 1, fail: 1 });
    expect(total(samples, 'switchboard_store_accept_commit_duration_seconds_count')).toBe(8);
  });

  it('counts the waits for a permit: the number paced at one message a second, never a pair or the shared limits', () => {
    expect(total(samples, 'switchboard_rate_permit_waits_total', { limited_by: 'number' })).toBeGreaterThanOrEqual(1);
    expect(total(samples, 'switchboard_rate_permit_waits_total', { limited_by: 'pair' })).toBe(0);
    expect(total(samples, 'switchboard_rate_permit_waits_total', { limited_by: 'unavailable' })).toBe(0);
  });

  it('counts Meta webhook deliveries as the simulator sent them, all applied', () => {
    const acknowledged = h.simulator.admin.webhookDeliveries().filter((d) => d.status === 200).length;
    expect(acknowledged).toBeGreaterThan(0);
    expect(total(samples, 'switchboard_meta_webhooks_received_total')).toBe(acknowledged);
    expect(total(samples, 'switchboard_meta_webhooks_applied_total')).toBe(acknowledged);
  });

  it('counts customer webhook attempts by outcome, with their latency', () => {
    expect(byLabels(samples, 'switchboard_customer_webhook_attempts_total', ['outcome'])).toEqual({ delivered: 3, retry: 1, failed: 1 });
    expect(total(samples, 'switchboard_customer_webhook_duration_seconds_count')).toBe(5);
  });

  it('shows the upstream circuit closed and the process metrics', () => {
    expect(byLabels(samples, 'switchboard_upstream_circuit_open', ['host'])).toEqual({ [new URL(h.simulator.url).host]: 0 });
    expect(total(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('carries no recipient number in any label value', () => {
    const values = samples.flatMap((s) => Object.values(s.labels));
    expect(values.length).toBeGreaterThan(0);
    for (const to of recipients) {
      // Also the national part alone, in case a number was written without its country code.
      const leaked = values.filter((value) => value.includes(to) || value.includes(to.slice(-8)));
      expect(leaked, `label values carrying ${to}`).toEqual([]);
    }
  });
});

describe('where /metrics is served', () => {
  it('on the metrics listener: without a key, on loopback', async () => {
    expect(h.gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await scrape(h.gateway.metricsUrl as string);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE switchboard_messages_accepted_total counter');
  });

  it('on the API port: only for an admin key, problem+json otherwise', async () => {
    const anonymous = await scrape(h.gateway.url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toMatch(/^application\/problem\+json/);
    const account = await scrape(h.gateway.url, plain.key);
    expect(account.status).toBe(403);
    expect(account.type).toMatch(/^application\/problem\+json/);
    const admin = await scrape(h.gateway.url, ADMIN_KEY);
    expect(admin.status).toBe(200);
    expect(admin.text).toContain('# TYPE switchboard_messages_accepted_total counter');
  });
});
