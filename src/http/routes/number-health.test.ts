/** GET /v1/numbers/{id}/health over a socket: the circuit of the dispatcher in this process is one of its reasons. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway, type TestTenant } from '../../../test/helpers/gateway.js';

let gw: TestGateway;
let tenant: TestTenant;
let open = false;
beforeAll(async () => {
  gw = await startTestGateway({ app: { circuits: () => [{ open }] } });
  tenant = await gw.createTenant();
});
afterAll(() => gw.close());

describe('number health and the upstream circuit', () => {
  it('reports circuit_open while the dispatcher\u2019s circuit is open, and nothing once it closed', async () => {
    open = true;
    const opened = await gw.call('GET', `/v1/numbers/${tenant.numberId}/health`, { key: tenant.key });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ can_send: false, reasons: [{ reason: 'circuit_open', blocking: true }] });
    open = false;
    expect((await gw.call('GET', `/v1/numbers/${tenant.numberId}/health`, { key: tenant.key })).body).toMatchObject({ can_send: true, reasons: [] });
  });

  it('answers not_found for an unknown number, and needs a key', async () => {
    expect((await gw.call('GET', '/v1/numbers/num_nope/health', { key: tenant.key })).body.code).toBe('not_found');
    expect((await gw.call('GET', `/v1/numbers/${tenant.numberId}/health`)).status).toBe(401);
  });
});
