/** The whole store, opened as the gateway opens it, through the store, queue and gauge conformance suites on every engine. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { ENGINE_NAMES, engineRuns } from '../../../test/helpers/engines.js';
import { databaseUrlOn } from '../../../test/helpers/test-database.js';
import { openStore } from '../open-store.js';
import { PartnerWakeUps } from '../../runtime/partner-wake-ups.js';
import { describeGaugeConformance } from '../gauges.conformance.js';
import { describeQueueConformance } from '../queue.conformance.js';
import { describeStoreConformance } from '../store.conformance.js';

/** A fresh store as the gateway opens it; with `partner`, on an SQLite file shared with a partner process. */
function opener(engine: (typeof ENGINE_NAMES)[number], partner?: PartnerWakeUps) {
  return async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
    const store = await openStore({ dataDir, databaseUrl: databaseUrlOn(engine, dataDir), secretKey: 'store-conformance-secret' }, partner ? { partner } : {});
    return { dataDir, store, dispose: async () => (await store.close(), rmSync(dataDir, { recursive: true, force: true })) };
  };
}

for (const engine of ENGINE_NAMES) {
  describe.skipIf(!engineRuns(engine))(`the whole store [${engine}]`, () => {
    describeStoreConformance(engine, opener(engine));
    describeQueueConformance(engine, opener(engine));
    describeGaugeConformance(engine, opener(engine));
  });
}

// The SQLite file a serving process shares with its background process: nothing mirrored, in-flight state in the file.
describe.skipIf(!engineRuns('sqlite'))('the whole store [sqlite shared with a partner process]', () => {
  const open = opener('sqlite', new PartnerWakeUps());
  describeStoreConformance('sqlite', open);
  describeQueueConformance('sqlite', open);
  describeGaugeConformance('sqlite', open);
});
