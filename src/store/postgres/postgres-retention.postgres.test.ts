/** The retention conformance suite on PostgreSQL (SQLite's run, with its query plans: sqlite-retention.test.ts). */
import { describe } from 'vitest';
import { engineRuns, openTestEngine } from '../../../test/helpers/engines.js';
import { describeRetentionConformance } from '../retention.conformance.js';

describe.skipIf(!engineRuns('postgres'))('retention on PostgreSQL', () => {
  describeRetentionConformance('postgres', () => openTestEngine('postgres'));
});
