/**
 * Media uploads over real sockets: broken multipart bodies, Meta's per-type sizes, the account's storage and
 * concurrent-upload limits (nothing stored when refused), and memory that stays bounded under concurrent large uploads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/http/app.js';
import { startTestGateway, type HttpAnswer, type TestGateway } from '../helpers/gateway.js';

const MiB = 1024 * 1024;
const BOUNDARY = 'switchboard-test-boundary';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function gateway(limits: AppDeps['limits'] = {}): Promise<TestGateway> {
  const g = await startTestGateway({ limits });
  cleanups.push(() => g.close());
  return g;
}

const head = (mimeType: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="upload"\r\nContent-Type: ${mimeType}\r\n\r\n`;
const tail = `\r\n--${BOUNDARY}--\r\n`;

/** A multipart body of `bytes` file bytes, generated as it is sent; `gate` holds the file back until it resolves. */
function multipartStream(mimeType: string, bytes: number, gate?: Promise<void>): ReadableStream<Uint8Array> {
  const piece = new Uint8Array(64 * 1024).fill(0x25);
  let sent = -1;
  return new ReadableStream({
    async pull(controller) {
      if (sent === -1) {
        controller.enqueue(new TextEncoder().encode(head(mimeType)));
        sent = 0;
        await gate;
        return;
      }
      if (sent >= bytes) {
        controller.enqueue(new TextEncoder().encode(tail));
        controller.close();
        return;
      }
      const n = Math.min(piece.length, bytes - sent);
      controller.enqueue(piece.subarray(0, n));
      sent += n;
    },
  });
}

async function upload(g: TestGateway, key: string, body: ReadableStream<Uint8Array> | string, path = '/v1/media', contentType = `multipart/form-data; boundary=${BOUNDARY}`): Promise<HttpAnswer> {
  const res = await fetch(`${g.url}${path}`, {
    method: 'POST', headers: { 'x-api-key': key, 'content-type': contentType }, body, ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

describe('broken multipart bodies', () => {
  it('answers a failure of the store during an upload as ours (500 internal_error), never as the client\u2019s broken multipart', async () => {
    const g = await startTestGateway({
      wrapStore: (store) => Object.assign(Object.create(store) as typeof store, {
        beginMedia: async () => {
          throw new Error('disk full');
        },
      }),
    });
    cleanups.push(() => g.close());
    const t = await g.createTenant();
    const answer = await upload(g, t.key, `${head('image/png')}${'x'.repeat(100)}${tail}`);
    expect(answer.status).toBe(500);
    expect(answer.body.code).toBe('internal_error');
  });

  it('answers 400 malformed_multipart for a missing boundary or a truncated body, on both upload routes, storing nothing', async () => {
    const g = await gateway();
    const t = await g.createTenant();
    const truncated = `${head('application/pdf')}${'x'.repeat(2000)}`;
    for (const path of ['/v1/media', `/v21.0/${t.phoneNumberId}/media`]) {
      const noBoundary = await upload(g, t.key, `${head('application/pdf')}abc${tail}`, path, 'multipart/form-data');
      expect(noBoundary.status, `${path} without a boundary`).toBe(400);
      const cut = await upload(g, t.key, truncated, path);
      expect(cut.status, `${path} truncated`).toBe(400);
      // The file part is whole but the closing boundary never comes: still not an upload to keep.
      const unclosed = await upload(g, t.key, `${head('application/pdf')}abc\r\n--${BOUNDARY}`, path);
      expect(unclosed.status, `${path} without its closing boundary`).toBe(400);
      if (path === '/v1/media') {
        expect(noBoundary.headers.get('content-type')).toContain('application/problem+json');
        expect([noBoundary.body.code, cut.body.code]).toEqual(['malformed_multipart', 'malformed_multipart']);
      } else {
        expect(noBoundary.body.error).toMatchObject({ code: 100 });
        expect(cut.body.error.message).toContain('multipart');
      }
    }
    expect(await g.store.mediaBytesStored(t.accountId)).toBe(0);
  });
});

describe('upload limits', () => {
  it("refuses a file past Meta's limit for its type (an image over 5 MB) with 413 payload_too_large", async () => {
    const g = await gateway();
    const t = await g.createTenant();
    const tooBig = await upload(g, t.key, multipartStream('image/jpeg', 5 * MiB + 1));
    expect([tooBig.status, tooBig.body.code]).toEqual([413, 'payload_too_large']);
    const fits = await upload(g, t.key, multipartStream('image/jpeg', 5 * MiB));
    expect([fits.status, fits.body.bytes]).toEqual([201, 5 * MiB]);
    expect(await g.store.mediaBytesStored(t.accountId)).toBe(5 * MiB);
  });

  it("refuses an upload past the account's media storage with 413 media_storage_exceeded, storing nothing, until media is deleted", async () => {
    const g = await gateway({ mediaStorageBytesPerAccount: 3 * MiB });
    const t = await g.createTenant();
    const other = await g.createTenant();
    const first = await upload(g, t.key, multipartStream('application/pdf', 2 * MiB));
    expect(first.status).toBe(201);
    const over = await upload(g, t.key, multipartStream('application/pdf', 2 * MiB));
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ code: 'media_storage_exceeded', namespace: 'gateway' });
    expect(await g.store.mediaBytesStored(t.accountId)).toBe(2 * MiB);
    // Another account's storage is its own.
    expect((await upload(g, other.key, multipartStream('application/pdf', 2 * MiB))).status).toBe(201);
    expect((await g.call('DELETE', `/v1/media/${first.body.id}`, { key: other.key })).status).toBe(404);
    expect((await g.call('DELETE', `/v1/media/${first.body.id}`, { key: t.key })).status).toBe(204);
    expect((await upload(g, t.key, multipartStream('application/pdf', 2 * MiB))).status).toBe(201);
  });

  it('answers 429 upload_concurrency_exceeded with Retry-After past the concurrent uploads an account may have', async () => {
    const g = await gateway({ mediaUploadsPerAccount: 1 });
    const t = await g.createTenant();
    const other = await g.createTenant();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = upload(g, t.key, multipartStream('application/pdf', MiB, gate));
    // The first upload holds its slot once its headers are in; wait until the gateway has seen it.
    let refused: HttpAnswer | undefined;
    for (let i = 0; i < 200 && refused?.status !== 429; i++) refused = await upload(g, t.key, multipartStream('image/png', 10));
    expect(refused?.status).toBe(429);
    expect(refused?.body.code).toBe('upload_concurrency_exceeded');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await upload(g, other.key, multipartStream('image/png', 10))).status).toBe(201);
    open();
    expect((await slow).status).toBe(201);
    expect((await upload(g, t.key, multipartStream('image/png', 10))).status).toBe(201);
  });
});

describe('memory under concurrent large uploads', () => {
  it('keeps the resident set within a generous bound while four accounts each upload 32 MiB at once', async () => {
    const g = await gateway();
    const tenants = await Promise.all([1, 2, 3, 4].map(() => g.createTenant()));
    const files = 4 * 32 * MiB;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const answers = await Promise.all(tenants.map((t) => upload(g, t.key, multipartStream('application/pdf', 32 * MiB))));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - before;
    console.info(`RSS growth during ${files / MiB} MiB of concurrent uploads: ${(growth / MiB).toFixed(1)} MiB`);
    // Whole-file buffering needs at least the files themselves; streaming needs a chunk per upload plus garbage.
    expect(growth).toBeLessThan(files / 2);
  });
});
