// Test runner settings: every *.test.ts beside its code and the journeys in test/e2e.
import { defineConfig } from 'vitest/config';

/**
 * The PostgreSQL pass (SWITCHBOARD_TEST_ENGINE=postgres, scripts/test-on-postgres.ts) runs what stores data through a
 * gateway or a store; pure rules have no engine, the store's own suites already run once per engine in the first pass,
 * and the scale suite (test/scale) always runs its processes on PostgreSQL.
 */
const ENGINE_FREE = ['src/domain/**', 'src/catalog/**', 'src/store/**', 'src/simulator/**', 'src/runtime/**', 'test/scale/**'];

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.git/**', ...(process.env.SWITCHBOARD_TEST_ENGINE === 'postgres' ? ENGINE_FREE : [])],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Probes the test PostgreSQL server once and says so in one line when its suite will not run.
    globalSetup: ['test/helpers/postgres-global-setup.ts'],
  },
});
