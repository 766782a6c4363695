/** `/_sim/...`: the HTTP twin of `SimulatorAdmin`, for drivers outside the process (and the media download URL). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseScenario } from '../scenario.js';
import type { SimCore } from '../sim-core.js';
import type { SimulatorAdmin } from '../types.js';
import { readBearer } from '../rules/auth.js';

/** Admin mistakes are the driver's, not Meta's: a plain 400 with the reason. */
async function run(reply: FastifyReply, action: () => unknown): Promise<FastifyReply> {
  try {
    const result = await action();
    return reply.code(200).send(result ?? { ok: true });
  } catch (error) {
    return reply.code(400).send({ error: (error as Error).message });
  }
}

export function registerAdminRoutes(app: FastifyInstance, core: SimCore, admin: SimulatorAdmin): void {
  // The admin methods check what would break them; the body is taken as the shape they declare.
  const body = <T,>(b: unknown): T => (typeof b === 'object' && b !== null ? b : {}) as T;
  app.post('/_sim/businesses', (req, reply) => run(reply, () => admin.createBusiness(body(req.body))));
  app.patch('/_sim/businesses/:wabaId', (req, reply) =>
    run(reply, () => admin.updateBusiness((req.params as { wabaId: string }).wabaId, body(req.body))));
  app.post('/_sim/phone-numbers', (req, reply) => run(reply, () => admin.createPhoneNumber(body(req.body))));
  app.patch('/_sim/phone-numbers/:id', (req, reply) =>
    run(reply, () => admin.updatePhoneNumber((req.params as { id: string }).id, body(req.body))));
  app.post('/_sim/templates', (req, reply) => run(reply, () => admin.createTemplate(body(req.body))));
  app.post('/_sim/templates/status', (req, reply) => run(reply, () => admin.setTemplateStatus(body(req.body))));
  app.put('/_sim/contacts', (req, reply) => run(reply, () => admin.setContact(body(req.body))));
  app.put('/_sim/links', (req, reply) => run(reply, () => admin.setMediaLink(body(req.body))));
  app.put('/_sim/webhook', (req, reply) => run(reply, () => admin.setWebhook(body(req.body))));
  app.post('/_sim/webhook/verify', (_req, reply) => run(reply, () => admin.verifyWebhook()));
  app.get('/_sim/webhook/deliveries', (_req, reply) => run(reply, () => ({ data: admin.webhookDeliveries() })));
  app.post('/_sim/webhook/flush', (_req, reply) => run(reply, () => admin.flushWebhooks()));
  app.post('/_sim/inbound', (req, reply) => run(reply, () => admin.sendInbound(body(req.body))));
  app.post('/_sim/users/phone-change', (req, reply) => run(reply, () => admin.changeUserPhone(body(req.body))));
  app.post('/_sim/users/marketing', (req, reply) => run(reply, () => admin.setMarketingPreference(body(req.body))));
  app.get('/_sim/reads', (_req, reply) => run(reply, () => ({ data: admin.readMarks() })));
  app.get('/_sim/blocks/:phoneNumberId', (req, reply) =>
    run(reply, () => ({ data: admin.blockedUsers((req.params as { phoneNumberId: string }).phoneNumberId) })));
  app.post('/_sim/faults', (req, reply) => run(reply, () => admin.addFault(body(req.body))));
  app.delete('/_sim/faults/:id', (req, reply) => run(reply, () => admin.removeFault((req.params as { id: string }).id)));
  app.delete('/_sim/faults', (_req, reply) => run(reply, () => admin.clearFaults()));
  app.post('/_sim/outage', (req, reply) => run(reply, () => admin.startOutage(body(req.body))));
  app.delete('/_sim/outage', (_req, reply) => run(reply, () => admin.endOutage()));
  app.get('/_sim/requests', (_req, reply) => run(reply, () => ({ data: admin.requests() })));
  app.delete('/_sim/requests', (_req, reply) => run(reply, () => admin.clearRequests()));
  app.post('/_sim/health/number-quality', (req, reply) => run(reply, () => admin.health.setNumberQuality(body(req.body))));
  app.post('/_sim/health/restrict', (req, reply) => run(reply, () => admin.health.restrictAccount(body(req.body))));
  app.post('/_sim/health/lift', (req, reply) => run(reply, () => admin.health.liftRestriction(body(req.body))));
  app.post('/_sim/health/template-quality', (req, reply) => run(reply, () => admin.health.setTemplateQuality(body(req.body))));
  app.post('/_sim/health/template-category', (req, reply) => run(reply, () => admin.health.changeTemplateCategory(body(req.body))));
  app.post('/_sim/scenario', (req, reply) =>
    run(reply, () => admin.loadScenario(typeof req.body === 'string' ? parseScenario(req.body) : body(req.body))));

  // Meta's media URLs need the business's token too; the bytes are what was uploaded (or a stand-in for inbound media).
  app.get('/_sim/media/:id/download', async function downloadMedia(req, reply) {
    const media = core.state.media.get((req.params as { id: string }).id);
    const business = core.state.tokens.get(readBearer(req.headers.authorization) ?? '');
    if (!media || !business || core.state.numbers.get(media.phoneNumberId)?.wabaId !== business.wabaId) {
      return reply.code(404).send({ error: 'media not found' });
    }
    return reply.type(media.mimeType).send(media.data);
  });
}
