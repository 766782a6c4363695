// Test runner settings: every *.test.ts beside its code and the journeys in test/e2e.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Probes the test PostgreSQL server once and says so in one line when its suite will not run.
    globalSetup: ['test/helpers/postgres-global-setup.ts'],
  },
});
