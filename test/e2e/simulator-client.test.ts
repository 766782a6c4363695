// A Cloud API client we did not write (whatsapp-api-js, from npm) works against the simulator unchanged:
// only its fetch is pointed at the simulator. It sends a text, a template and an image, reads the simulator's
// errors, and — as a receiver — verifies the simulator's webhook signatures and verification handshake itself.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppAPI } from 'whatsapp-api-js';
import { BodyComponent, BodyParameter, Image, Language, Template, Text } from 'whatsapp-api-js/messages';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';

const SECRET = 'client-app-secret';
const VERIFY = 'client-verify-token';
const CUSTOMER = '15550104000';

let sim: RunningSimulator | undefined;
let server: Server | undefined;
afterEach(async () => {
  await sim?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  sim = undefined;
  server = undefined;
});

/** The only change a user makes: send the SDK's Graph calls to the simulator instead of graph.facebook.com. */
function clientFor(url: string, token: string): WhatsAppAPI {
  const simFetch: typeof fetch = (input, init) =>
    fetch(String(input instanceof Request ? input.url : input).replace('https://graph.facebook.com', url), init);
  return new WhatsAppAPI({ token, appSecret: SECRET, webhookVerifyToken: VERIFY, v: 'v21.0', ponyfill: { fetch: simFetch } });
}

describe('whatsapp-api-js against the simulator', () => {
  it('sends a text, a template and an uploaded image, and reads the simulator’s errors', async () => {
    sim = await startSimulator({ seed: 3 });
    const { wabaId, accessToken } = sim.admin.createBusiness();
    const { phoneNumberId } = sim.admin.createPhoneNumber({ wabaId });
    sim.admin.createTemplate({ wabaId, name: 'order_update', body: 'Hi {{1}}, order {{2}} ships today.' });
    const client = clientFor(sim.url, accessToken);

    const outside = await client.sendMessage(phoneNumberId, CUSTOMER, new Text('hello'));
    expect(outside.error).toMatchObject({ code: 131047, message: '(#131047) Re-engagement message', error_data: { details: expect.stringContaining('24 hours') } });

    await sim.admin.sendInbound({ phoneNumberId, from: CUSTOMER, text: 'hi' });
    const text = await client.sendMessage(phoneNumberId, CUSTOMER, new Text('hello'));
    expect(text).toMatchObject({ messaging_product: 'whatsapp', contacts: [{ input: CUSTOMER, wa_id: CUSTOMER }], messages: [{ id: expect.stringMatching(/^wamid\./) }] });

    const template = new Template('order_update', new Language('en_US'), new BodyComponent(new BodyParameter('Ana'), new BodyParameter('A-1')));
    const sentTemplate = await client.sendMessage(phoneNumberId, CUSTOMER, template);
    expect('messages' in sentTemplate && sentTemplate.messages[0]).toMatchObject({ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' });
    const wrongParams = await client.sendMessage(phoneNumberId, CUSTOMER, new Template('order_update', new Language('en_US'), new BodyComponent(new BodyParameter('Ana'))));
    expect(wrongParams.error?.code).toBe(132000);

    const form = new FormData();
    form.set('file', new Blob([Buffer.alloc(2048, 7)], { type: 'image/png' }), 'photo.png');
    const uploaded = await client.uploadMedia(phoneNumberId, form);
    expect(uploaded).toEqual({ id: expect.any(String) });
    const mediaId = 'id' in uploaded ? uploaded.id : '';
    const image = await client.sendMessage(phoneNumberId, CUSTOMER, new Image(mediaId, true, 'your photo'));
    expect('messages' in image && image.messages[0]?.id).toMatch(/^wamid\./);
    const retrieved = await client.retrieveMedia(mediaId);
    expect(retrieved).toMatchObject({ id: mediaId, mime_type: 'image/png', file_size: '2048' });
    expect(await client.deleteMedia(mediaId)).toEqual({ success: true });
    const missing = await client.retrieveMedia(mediaId);
    expect(missing).toMatchObject({ error: { code: 100 } });

    const badToken = clientFor(sim.url, 'EAAG-wrong');
    expect((await badToken.sendMessage(phoneNumberId, CUSTOMER, new Text('x'))).error?.code).toBe(190);
  });

  it('accepts the simulator’s handshake and signed webhooks through its own verifier', async () => {
    const statuses: string[] = [];
    const texts: string[] = [];
    let rejected = 0;
    // The receiver's client needs the simulator's token, which exists only once the simulator is up.
    const receiver: { client?: WhatsAppAPI } = {};
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET') {
        try {
          res.writeHead(200).end(receiver.client!.get(Object.fromEntries(url.searchParams) as never));
        } catch {
          res.writeHead(403).end();
        }
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        receiver
          .client!.post(JSON.parse(raw), raw, req.headers['x-hub-signature-256'] as string)
          .then(() => res.writeHead(200).end())
          .catch(() => {
            rejected++;
            res.writeHead(401).end();
          });
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
    sim = await startSimulator({ webhookUrl: hookUrl, appSecret: SECRET, verifyToken: VERIFY, statusDelaysMs: { sent: 0, delivered: 10, read: 20 }, webhookBatchMax: 1 });
    const { wabaId, accessToken } = sim.admin.createBusiness();
    const { phoneNumberId } = sim.admin.createPhoneNumber({ wabaId });
    const receiverClient = (receiver.client = clientFor(sim.url, accessToken));
    receiverClient.on.message = ({ message }) => void texts.push((message as { text?: { body: string } }).text?.body ?? '');
    receiverClient.on.status = ({ status }) => void statuses.push(status);

    expect(await sim.admin.verifyWebhook()).toMatchObject({ ok: true, status: 200 });
    await sim.admin.sendInbound({ phoneNumberId, from: CUSTOMER, text: 'is it in stock?' });
    await receiverClient.sendMessage(phoneNumberId, CUSTOMER, new Text('yes'));
    await sim.admin.flushWebhooks();
    expect(rejected).toBe(0);
    expect(texts).toEqual(['is it in stock?']);
    expect(statuses).toEqual(['sent', 'delivered', 'read']);
  });
});
