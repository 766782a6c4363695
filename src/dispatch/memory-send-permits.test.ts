import { describeSendPermitsConformance } from './send-permits.conformance.js';
import { MemorySendPermits } from './memory-send-permits.js';

describeSendPermitsConformance('memory', async () => {
  let now = Date.parse('2026-06-01T12:00:00Z');
  return {
    make: (config) => new MemorySendPermits(config, () => now),
    advance: async (ms) => void (now += ms),
    dispose: async () => undefined,
  };
});
