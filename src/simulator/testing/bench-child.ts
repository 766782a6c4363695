/** A simulator in its own process for the benchmark: it gets the webhook URL over IPC and answers with what the load needs. */
import { startSimulator } from '../server.js';

interface Setup {
  readonly webhookUrl: string;
  readonly appSecret: string;
  readonly numbers: number;
}

process.once('message', (setup: Setup) => {
  void (async () => {
    const sim = await startSimulator({
      webhookUrl: setup.webhookUrl,
      appSecret: setup.appSecret,
      statusDelaysMs: { sent: 0, delivered: 20, read: 40 },
      webhookBatchMax: 250,
      recordLimit: 1_000,
    });
    const { wabaId, accessToken } = sim.admin.createBusiness({ name: 'Bench' });
    sim.admin.createTemplate({ wabaId, name: 'hello_world', body: 'Hello {{1}}', category: 'UTILITY' });
    const phoneNumberIds = Array.from({ length: setup.numbers }, () => sim.admin.createPhoneNumber({ wabaId, throughputMps: 1_000 }).phoneNumberId);
    process.send?.({ url: sim.url, token: accessToken, phoneNumberIds });
    process.once('message', () => {
      void sim.admin
        .flushWebhooks()
        .then(() => sim.close())
        .then(() => process.exit(0));
    });
  })();
});
