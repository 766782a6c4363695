/** The whole store, opened as the gateway opens it, through the store, queue and gauge conformance suites on every engine. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { ENGINE_NAMES, engineRuns } from '../../../test/helpers/engines.js';
import { databaseUrlOn } from '../../../test/helpers/test-database.js';
import { openStore } from '../open-store.js';
import { describeGaugeConformance } from '../gauges.conformance.js';
import { describeQueueConformance } from '../queue.conformance.js';
import { describeStoreConformance } from '../store.conformance.js';

for (const engine of ENGINE_NAMES) {
  const open = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
    const store = await openStore({ dataDir, databaseUrl: databaseUrlOn(engine, dataDir), secretKey: 'store-conformance-secret' });
    return { dataDir, store, dispose: async () => (await store.close(), rmSync(dataDir, { recursive: true, force: true })) };
  };
  describe.skipIf(!engineRuns(engine))(`the whole store [${engine}]`, () => {
    describeStoreConformance(engine, open);
    describeQueueConformance(engine, open);
    describeGaugeConformance(engine, open);
  });
}
