/** Table tests of the normalizer: every upstream shape in test/fixtures/upstream, webhook errors, and network failures as undici raises them. */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { errors as undiciErrors, fetch, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Namespace, RetryClass } from './entry.js';
import { normalizeStatusError, normalizeUpstreamFailure, type UpstreamAnswer } from './normalize.js';
import { SwitchboardError, type UpstreamFailure } from './switchboard-error.js';
import { REPO_ROOT, hasShared, sharedPath } from '../../test/helpers/shared.js';

const FIXTURE_DIR = resolve(REPO_ROOT, 'test/fixtures/upstream');
const SEED_002 = 'seeds/002_8d865a2dc84592ab.txt';
const NOW = Date.UTC(2026, 10, 24, 21, 0, 0);

function fixtureText(name: string): string {
  return readFileSync(resolve(FIXTURE_DIR, name), 'utf8');
}

interface Expected {
  readonly namespace: Namespace;
  readonly code: number | string;
  readonly retry: RetryClass;
  /** Compared only when the case names it; `undefined` there asserts that no wait is known. */
  readonly retryAfterSeconds?: number | undefined;
  readonly detail?: string;
  readonly upstream?: Partial<UpstreamFailure>;
}

function expectNormalized(error: SwitchboardError, want: Expected): void {
  expect(error).toBeInstanceOf(SwitchboardError);
  expect(`${error.entry.namespace}:${error.entry.code}`).toBe(`${want.namespace}:${want.code}`);
  expect(error.entry.retry.class).toBe(want.retry);
  if ('retryAfterSeconds' in want) expect(error.retryAfterSeconds).toBe(want.retryAfterSeconds);
  if (want.detail !== undefined) expect(error.detail).toBe(want.detail);
  if (want.upstream !== undefined) expect(error.upstream).toMatchObject(want.upstream);
}

interface HttpCase {
  readonly fixture: string;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly expect: Expected;
}

const REGISTRATION_ENVELOPE = { httpStatus: 403, code: 1005, message: 'Trigger registration error' };

const HTTP_CASES: readonly HttpCase[] = [
  {
    fixture: '360dialog-path-blocked.json',
    status: 403,
    expect: {
      namespace: 'gateway', code: 'path_blocked', retry: 'permanent',
      detail: 'This URL *** is blocked. More info: https://docs.360dialog.com/whatsapp-api/whatsapp-api',
      upstream: { httpStatus: 403, code: 403 },
    },
  },
  {
    fixture: '360dialog-invalid-api-key-says-404.json',
    status: 401,
    expect: {
      namespace: 'gateway', code: 'upstream_unauthorized', retry: 'reauth',
      upstream: { httpStatus: 401, code: 404, message: 'Invalid api_key or token expired' },
    },
  },
  {
    fixture: '360dialog-api-disabled.json',
    status: 400,
    expect: { namespace: 'gateway', code: 'whatsapp_api_disabled', retry: 'permanent', upstream: { httpStatus: 400, code: 400 } },
  },
  {
    fixture: '360dialog-usage-limit-placeholder.json',
    status: 400,
    // The seed prints the interval as "*": no number to read, so the entry's own hint stands.
    expect: { namespace: 'gateway', code: 'upstream_throttled', retry: 'throttled', retryAfterSeconds: 60 },
  },
  {
    fixture: '360dialog-usage-limit-every-5-seconds.json',
    status: 400,
    expect: { namespace: 'gateway', code: 'upstream_throttled', retry: 'throttled', retryAfterSeconds: 5 },
  },
  {
    fixture: '360dialog-usage-limit-every-5-seconds.json',
    status: 429,
    headers: { 'Retry-After': '30' },
    // The body's own interval is the more specific statement.
    expect: { namespace: 'gateway', code: 'upstream_throttled', retry: 'throttled', retryAfterSeconds: 5 },
  },
  {
    fixture: '360dialog-500-internal-server-error.json',
    status: 500,
    expect: {
      namespace: 'gateway', code: 'upstream_error', retry: 'transient', detail: 'Internal server error',
      upstream: { httpStatus: 500, code: 500, message: 'Internal server error' },
    },
  },
  {
    fixture: '360dialog-500-snake-case-555.json',
    status: 500,
    expect: { namespace: 'gateway', code: 'upstream_error', retry: 'transient', upstream: { httpStatus: 500, code: 555 } },
  },
  {
    fixture: '360dialog-500-snake-case-555.json',
    status: 555,
    expect: { namespace: 'gateway', code: 'upstream_error', retry: 'transient', upstream: { httpStatus: 555, code: 555 } },
  },
  {
    fixture: '360dialog-502-not-available.json',
    status: 502,
    expect: {
      namespace: 'gateway', code: 'upstream_unavailable', retry: 'transient', retryAfterSeconds: 30,
      detail: 'WhatsApp for Business API not available.', upstream: { httpStatus: 502, code: 502 },
    },
  },
  {
    fixture: '360dialog-registration-1005-timeout.json',
    status: 403,
    expect: {
      namespace: 'gateway', code: 'registration_timeout', retry: 'wait', retryAfterSeconds: 5880,
      detail: 'Please wait 1 hour(s) 38 minute(s) before trying again',
      upstream: { ...REGISTRATION_ENVELOPE, details: 'Please wait 1 hour(s) 38 minute(s) before trying again' },
    },
  },
  {
    fixture: '360dialog-registration-1005-previous-install.json',
    status: 403,
    expect: {
      namespace: 'gateway', code: 'registration_previous_install', retry: 'fix-request',
      detail: 'Unknown error: biz_link_info_invalid_payload', upstream: REGISTRATION_ENVELOPE,
    },
  },
  {
    fixture: '360dialog-registration-1005-not-enterprise.json',
    status: 403,
    expect: { namespace: 'gateway', code: 'registration_not_enterprise', retry: 'fix-request', upstream: REGISTRATION_ENVELOPE },
  },
  {
    fixture: '360dialog-registration-1005-verification-locked.json',
    status: 403,
    expect: {
      namespace: 'gateway', code: 'registration_locked', retry: 'wait', retryAfterSeconds: 3600, upstream: REGISTRATION_ENVELOPE,
    },
  },
  {
    fixture: 'nginx-503.html',
    status: 503,
    headers: { 'Content-Type': 'text/html' },
    expect: {
      namespace: 'gateway', code: 'upstream_unavailable', retry: 'transient', retryAfterSeconds: 30,
      detail: '503 Service Temporarily Unavailable',
      upstream: { httpStatus: 503, message: '503 Service Temporarily Unavailable' },
    },
  },
  {
    fixture: 'nginx-503.html',
    status: 503,
    headers: { 'retry-after': '120' },
    expect: { namespace: 'gateway', code: 'upstream_unavailable', retry: 'transient', retryAfterSeconds: 120 },
  },
  {
    fixture: 'nginx-500.html',
    status: 500,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    expect: { namespace: 'gateway', code: 'upstream_error', retry: 'transient', detail: '500 Internal Server Error' },
  },
  {
    fixture: 'graph-130429-rate-limit.json',
    status: 400,
    expect: {
      namespace: 'meta', code: 130429, retry: 'throttled',
      detail: 'Cloud API message throughput has been reached.',
      upstream: {
        httpStatus: 400,
        code: 130429,
        subcode: 2494055,
        message: '(#130429) Rate limit hit',
        details: 'Cloud API message throughput has been reached.',
        fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      },
    },
  },
  {
    fixture: 'graph-131047-reengagement.json',
    status: 400,
    expect: { namespace: 'meta', code: 131047, retry: 'fix-request', upstream: { httpStatus: 400, code: 131047 } },
  },
  {
    fixture: 'graph-190-token-expired.json',
    status: 401,
    expect: {
      namespace: 'meta', code: 190, retry: 'reauth',
      // No error_data: the message is all Meta said.
      detail: 'Error validating access token: Session has expired on Tuesday, 24-Nov-26 12:00:00 PST. The current time is Tuesday, 24-Nov-26 13:10:22 PST.',
      upstream: { httpStatus: 401, code: 190, subcode: 463, fbtraceId: 'A7bQmZ2xY9c_Kd4Fh1WvTnE' },
    },
  },
  ...(
    [
      [400, 'upstream_rejected', 'permanent'],
      [401, 'upstream_unauthorized', 'reauth'],
      [403, 'upstream_unauthorized', 'reauth'],
      [429, 'upstream_throttled', 'throttled'],
      [503, 'upstream_error', 'transient'],
    ] as const
  ).map(([status, code, retry]) => ({
    fixture: 'graph-999999-unknown-code.json',
    status,
    expect: {
      namespace: 'gateway' as const, code, retry,
      detail: 'Meta added this code after the catalog was written.',
      upstream: { httpStatus: status, code: 999999, message: '(#999999) A code no catalog has seen yet', fbtraceId: 'AUnkn0wnC0de_999999xyz' },
    },
  })),
  {
    fixture: 'graph-truncated-json.txt',
    status: 500,
    headers: { 'content-type': 'application/json' },
    expect: { namespace: 'gateway', code: 'upstream_error', retry: 'transient', upstream: { httpStatus: 500 } },
  },
  {
    fixture: 'graph-truncated-json.txt',
    status: 400,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    expect: { namespace: 'gateway', code: 'upstream_rejected', retry: 'permanent', upstream: { httpStatus: 400 } },
  },
  {
    fixture: 'onprem-errors-470.json',
    status: 400,
    expect: {
      namespace: 'onprem', code: 470, retry: 'fix-request',
      detail: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number',
      upstream: { httpStatus: 400, code: 470, message: 'Re-engagement message' },
    },
  },
  {
    fixture: 'onprem-errors-1006-unknown-contact.json',
    status: 404,
    expect: {
      namespace: 'onprem', code: 1006, retry: 'fix-request', detail: 'unknown contact',
      upstream: { httpStatus: 404, code: 1006, message: 'Resource not found', details: 'unknown contact' },
    },
  },
  {
    fixture: 'waconnect-success-false.json',
    status: 403,
    expect: {
      namespace: 'gateway', code: 'phone_number_not_authorized', retry: 'fix-request', detail: 'Phone number not authorized',
      upstream: { httpStatus: 403, message: 'Phone number not authorized' },
    },
  },
  {
    fixture: 'waconnect-success-false-invalid-api-key.json',
    status: 401,
    expect: { namespace: 'gateway', code: 'upstream_unauthorized', retry: 'reauth', detail: 'Invalid API Key' },
  },
  {
    fixture: 'waconnect-success-false-unlisted-text.json',
    status: 429,
    expect: {
      namespace: 'gateway', code: 'upstream_throttled', retry: 'throttled', retryAfterSeconds: 60,
      detail: 'Daily quota exhausted for this workspace',
    },
  },
  {
    fixture: 'waconnect-success-false-meta-passthrough-131047.json',
    status: 400,
    expect: { namespace: 'meta', code: 131047, retry: 'fix-request', detail: 'Re-engagement message required' },
  },
  {
    fixture: 'plain-text-429.txt',
    status: 429,
    headers: { 'Retry-After': new Date(NOW + 90_000).toUTCString() },
    expect: {
      namespace: 'gateway', code: 'upstream_throttled', retry: 'throttled', retryAfterSeconds: 90,
      detail: 'HTTP 429: Too Many Requests', upstream: { httpStatus: 429, payload: 'Too Many Requests' },
    },
  },
];

function httpAnswer(c: HttpCase): UpstreamAnswer {
  return { kind: 'http', status: c.status, body: fixtureText(c.fixture), headers: c.headers };
}

/** What "the original payload is kept" means for each kind of file. */
function expectedPayload(fixture: string): unknown {
  const text = fixtureText(fixture);
  if (fixture.endsWith('.json')) return JSON.parse(text) as unknown;
  return text.trim();
}

describe('normalizeUpstreamFailure over HTTP fixtures', () => {
  it.each(HTTP_CASES.map((c) => [`${c.fixture} @ ${c.status}`, c] as const))('%s', (_, c) => {
    const error = normalizeUpstreamFailure(httpAnswer(c), { now: () => NOW });
    expectNormalized(error, c.expect);
    expect(error.upstream?.payload).toEqual(expectedPayload(c.fixture));
  });

  it('reads a byte body like the same text', () => {
    const c = HTTP_CASES.find((x) => x.fixture === 'graph-130429-rate-limit.json')!;
    const bytes = new TextEncoder().encode(fixtureText(c.fixture));
    const error = normalizeUpstreamFailure({ kind: 'http', status: c.status, body: bytes });
    expectNormalized(error, c.expect);
  });

  it('classes an empty 500 as an upstream error and takes the trace id from the header', () => {
    const error = normalizeUpstreamFailure({ kind: 'http', status: 500, body: '', headers: { 'X-FB-Trace-Id': 'HdrTrace1' } });
    expectNormalized(error, {
      namespace: 'gateway', code: 'upstream_error', retry: 'transient', detail: 'HTTP 500 with an empty body',
      upstream: { httpStatus: 500, fbtraceId: 'HdrTrace1' },
    });
    expect(error.upstream?.payload).toBeUndefined();
  });

  it('keeps only the first 2,048 characters of a huge HTML page', () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(10_000)}</body></html>`;
    const error = normalizeUpstreamFailure({ kind: 'http', status: 502, body: `\n  ${page}` });
    expectNormalized(error, { namespace: 'gateway', code: 'upstream_unavailable', retry: 'transient', detail: '502 Bad Gateway' });
    expect(error.upstream?.payload).toBe(page.slice(0, 2048));
  });

  it.each([
    [502, 'upstream_unavailable', 'transient'],
    [500, 'upstream_error', 'transient'],
    [409, 'upstream_rejected', 'permanent'],
  ] as const)('classes an envelope with an unlisted message by its status %i', (status, code, retry) => {
    const body = JSON.stringify({ meta: { http_code: status, developer_message: 'Something else went wrong', success: false } });
    expectNormalized(normalizeUpstreamFailure({ kind: 'http', status, body }), {
      namespace: 'gateway', code, retry, detail: 'Something else went wrong', upstream: { httpStatus: status, code: status },
    });
  });

  it('classes well-formed JSON of no known shape by status and keeps it parsed', () => {
    const error = normalizeUpstreamFailure({ kind: 'http', status: 422, body: '[{"oops":true}]' });
    expectNormalized(error, { namespace: 'gateway', code: 'upstream_rejected', retry: 'permanent' });
    expect(error.upstream?.payload).toEqual([{ oops: true }]);
  });
});

/** Every error object of a Cloud API (`entry[].changes[].value`) or On-Premises webhook, statuses' first. */
function webhookErrors(payload: unknown): unknown[] {
  const root = payload as { entry?: { changes?: { value?: unknown }[] }[] };
  const values = root.entry?.flatMap((e) => e.changes?.map((c) => c.value) ?? []) ?? [payload];
  return values.flatMap((value) => {
    const v = value as { statuses?: { errors?: unknown[] }[]; errors?: unknown[] };
    return [...(v.statuses?.flatMap((s) => s.errors ?? []) ?? []), ...(v.errors ?? [])];
  });
}

interface WebhookCase {
  readonly fixture: string;
  readonly namespace?: 'meta' | 'onprem';
  readonly expect: Expected;
}

const WEBHOOK_CASES: readonly WebhookCase[] = [
  {
    fixture: 'webhook-status-failed-131026.json',
    expect: {
      namespace: 'meta', code: 131026, retry: 'permanent', detail: 'Message Undeliverable.',
      upstream: { code: 131026, message: 'Message undeliverable', details: 'Message Undeliverable.' },
    },
  },
  {
    fixture: 'webhook-status-failed-131047-title-only.json',
    expect: {
      namespace: 'meta', code: 131047, retry: 'fix-request', detail: 'Re-engagement message',
      upstream: { code: 131047, message: 'Re-engagement message', details: undefined },
    },
  },
  {
    fixture: 'onprem-webhook-status-failed-470.json',
    namespace: 'onprem',
    expect: { namespace: 'onprem', code: 470, retry: 'fix-request', upstream: { code: 470 } },
  },
  {
    fixture: 'onprem-webhook-status-failed-470.json',
    // No namespace: Meta has no 470, so the On-Premises reading is the one found.
    expect: { namespace: 'onprem', code: 470, retry: 'fix-request' },
  },
  {
    fixture: 'onprem-webhook-status-failed-470.json',
    namespace: 'meta',
    expect: { namespace: 'gateway', code: 'upstream_rejected', retry: 'permanent', upstream: { code: 470 } },
  },
];

describe('normalizeStatusError over webhook fixtures', () => {
  it.each(WEBHOOK_CASES.map((c) => [`${c.fixture} as ${c.namespace ?? 'any'}`, c] as const))('%s', (_, c) => {
    const [first] = webhookErrors(JSON.parse(fixtureText(c.fixture)));
    const error = normalizeStatusError(first, c.namespace);
    expectNormalized(error, c.expect);
    expect(error.upstream?.payload).toEqual(first);
    expect(error.upstream?.httpStatus).toBeUndefined();
  });

  it('keeps an unknown code and an object without any code as rejections', () => {
    const unknown = { code: 999999, title: 'Something new', error_data: { details: 'From the future' } };
    expectNormalized(normalizeStatusError(unknown), {
      namespace: 'gateway', code: 'upstream_rejected', retry: 'permanent', detail: 'From the future',
      upstream: { code: 999999, payload: unknown },
    });
    const codeless = { title: 'No code at all' };
    expectNormalized(normalizeStatusError(codeless), {
      namespace: 'gateway', code: 'upstream_rejected', retry: 'permanent', upstream: { payload: codeless },
    });
  });

  it('accepts a code written as a numeric string', () => {
    expectNormalized(normalizeStatusError({ code: '131026', title: 'Message undeliverable' }), {
      namespace: 'meta', code: 131026, retry: 'permanent', upstream: { code: 131026 },
    });
  });
});

describe.skipIf(!hasShared(SEED_002))('seed 002 samples are all fixtures (needs ../shared)', () => {
  /** The seed's JSON blocks start at column 0 with "{" and end at the matching "}" line; the cut-off one never parses. */
  function seedJsonBlocks(text: string): unknown[] {
    return [...text.matchAll(/^\{\n[\s\S]*?\n\}$/gm)].flatMap(([block]) => {
      try {
        return [JSON.parse(block) as unknown];
      } catch {
        return [];
      }
    });
  }

  const seed = hasShared(SEED_002) ? readFileSync(sharedPath(SEED_002), 'utf8') : '';
  const jsonFixtures = readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fixtureText(f)) as unknown);

  it('finds the ten complete JSON payloads of the seed', () => {
    expect(seedJsonBlocks(seed)).toHaveLength(10);
  });

  it.each(seedJsonBlocks(seed).map((block, i) => [i, block] as const))('payload %i has a fixture', (_, block) => {
    expect(jsonFixtures).toContainEqual(block);
  });

  it('has the nginx 503 page as a fixture', () => {
    const page = /<html>[\s\S]*?<\/html>/.exec(seed)?.[0];
    expect(page).toBeDefined();
    expect(fixtureText('nginx-503.html').trim()).toBe(page);
  });
});

function errnoError(message: string, code: string, syscall: string): Error {
  return Object.assign(new Error(message), { code, syscall });
}

/** undici's fetch rejects with this wrapper and hangs the real failure on `cause`. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

interface NetworkCase {
  readonly name: string;
  readonly thrown: unknown;
  readonly code: 'upstream_timeout' | 'upstream_connection_failed';
  readonly upstreamCode: string | undefined;
  readonly detail: string | undefined;
}

const REFUSED_V6 = 'connect ECONNREFUSED ::1:443';

const NETWORK_CASES: readonly NetworkCase[] = [
  {
    name: 'refused',
    thrown: fetchFailed(errnoError('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED', 'connect')),
    code: 'upstream_connection_failed', upstreamCode: 'ECONNREFUSED', detail: 'connect ECONNREFUSED 127.0.0.1:443',
  },
  {
    name: 'refused on every address (happy eyeballs)',
    thrown: fetchFailed(
      Object.assign(
        new AggregateError([
          errnoError(REFUSED_V6, 'ECONNREFUSED', 'connect'),
          errnoError('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED', 'connect'),
        ]),
        { code: 'ECONNREFUSED' },
      ),
    ),
    code: 'upstream_connection_failed', upstreamCode: 'ECONNREFUSED', detail: REFUSED_V6,
  },
  {
    name: 'reset',
    thrown: fetchFailed(errnoError('read ECONNRESET', 'ECONNRESET', 'read')),
    code: 'upstream_connection_failed', upstreamCode: 'ECONNRESET', detail: 'read ECONNRESET',
  },
  {
    name: 'broken pipe',
    thrown: errnoError('write EPIPE', 'EPIPE', 'write'),
    code: 'upstream_connection_failed', upstreamCode: 'EPIPE', detail: 'write EPIPE',
  },
  {
    name: 'DNS',
    thrown: fetchFailed(errnoError('getaddrinfo ENOTFOUND graph.example.invalid', 'ENOTFOUND', 'getaddrinfo')),
    code: 'upstream_connection_failed', upstreamCode: 'ENOTFOUND', detail: 'getaddrinfo ENOTFOUND graph.example.invalid',
  },
  {
    name: 'socket closed',
    thrown: fetchFailed(new undiciErrors.SocketError('other side closed')),
    code: 'upstream_connection_failed', upstreamCode: 'UND_ERR_SOCKET', detail: 'other side closed',
  },
  {
    name: 'connect timeout',
    thrown: fetchFailed(new undiciErrors.ConnectTimeoutError()),
    code: 'upstream_timeout', upstreamCode: 'UND_ERR_CONNECT_TIMEOUT', detail: 'Connect Timeout Error',
  },
  {
    name: 'headers timeout',
    thrown: new undiciErrors.HeadersTimeoutError(),
    code: 'upstream_timeout', upstreamCode: 'UND_ERR_HEADERS_TIMEOUT', detail: 'Headers Timeout Error',
  },
  {
    name: 'body timeout',
    thrown: new undiciErrors.BodyTimeoutError(),
    code: 'upstream_timeout', upstreamCode: 'UND_ERR_BODY_TIMEOUT', detail: 'Body Timeout Error',
  },
  {
    name: 'request aborted',
    thrown: new undiciErrors.RequestAbortedError(),
    code: 'upstream_timeout', upstreamCode: 'UND_ERR_ABORTED', detail: 'Request aborted',
  },
  {
    name: 'AbortSignal.timeout',
    thrown: new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    code: 'upstream_timeout', upstreamCode: 'TimeoutError', detail: 'The operation was aborted due to timeout',
  },
  {
    name: 'abort',
    thrown: new DOMException('This operation was aborted', 'AbortError'),
    code: 'upstream_timeout', upstreamCode: 'AbortError', detail: 'This operation was aborted',
  },
  { name: 'a thrown string', thrown: 'boom', code: 'upstream_connection_failed', upstreamCode: undefined, detail: 'boom' },
  { name: 'nothing at all', thrown: undefined, code: 'upstream_connection_failed', upstreamCode: undefined, detail: undefined },
];

describe('normalizeUpstreamFailure over network errors', () => {
  it.each(NETWORK_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const error = normalizeUpstreamFailure({ kind: 'network', error: c.thrown });
    expectNormalized(error, { namespace: 'gateway', code: c.code, retry: 'transient' });
    expect([error.upstream?.code, error.detail]).toEqual([c.upstreamCode, c.detail]);
    expect(error.cause).toBe(c.thrown);
  });

  it.each(['headers timeout', 'body timeout', 'reset', 'socket closed'])('%s after the request was written: the outcome is unknown', (name) => {
    const thrown = NETWORK_CASES.find((c) => c.name === name)!.thrown;
    const error = normalizeUpstreamFailure({ kind: 'network', error: thrown, requestWritten: true });
    expectNormalized(error, { namespace: 'gateway', code: 'upstream_outcome_unknown', retry: 'transient' });
    expect(error.entry.outcomeUnknown).toBe(true);
  });

  it('names the wait of a plain timeout', () => {
    expect(normalizeUpstreamFailure({ kind: 'timeout', afterMs: 10_000 }).detail).toBe('No answer within 10000 ms');
    expectNormalized(normalizeUpstreamFailure({ kind: 'timeout' }), { namespace: 'gateway', code: 'upstream_timeout', retry: 'transient' });
  });
});

describe('network errors from real sockets', () => {
  const open: Server[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => new Promise((done) => s.close(done))));
  });

  async function listen(onSocket: (socket: Socket) => void): Promise<string> {
    const server = createServer(onSocket);
    open.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}/`;
  }

  async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
    try {
      await call();
    } catch (error) {
      return error;
    }
    throw new Error('the call did not fail');
  }

  it('refused', async () => {
    const url = await listen(() => undefined);
    await new Promise((done) => open.pop()!.close(done));
    const error = normalizeUpstreamFailure({ kind: 'network', error: await thrownBy(() => fetch(url)) });
    expect([error.entry.code, error.upstream?.code]).toEqual(['upstream_connection_failed', 'ECONNREFUSED']);
  });

  it('closed without an answer', async () => {
    const url = await listen((socket) => socket.destroy());
    const error = normalizeUpstreamFailure({ kind: 'network', error: await thrownBy(() => fetch(url)) });
    expect(error.entry.code).toBe('upstream_connection_failed');
  });

  it('silent past the headers timeout, and past an AbortSignal deadline', async () => {
    const sockets: Socket[] = [];
    const url = await listen((socket) => void sockets.push(socket));
    const viaRequest = await thrownBy(() => request(url, { headersTimeout: 50 }));
    const viaSignal = await thrownBy(() => fetch(url, { signal: AbortSignal.timeout(50) }));
    for (const socket of sockets) socket.destroy();
    expect(normalizeUpstreamFailure({ kind: 'network', error: viaRequest }).upstream?.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(normalizeUpstreamFailure({ kind: 'network', error: viaSignal }).entry.code).toBe('upstream_timeout');
  });
});

describe('fixture coverage', () => {
  it('has a case for every fixture file', () => {
    const used = new Set([...HTTP_CASES.map((c) => c.fixture), ...WEBHOOK_CASES.map((c) => c.fixture)]);
    expect(readdirSync(FIXTURE_DIR).filter((f) => !used.has(f))).toEqual([]);
  });
});
