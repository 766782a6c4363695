import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from './circuit-breaker.js';

const config = { failuresToOpen: 3, probeIntervalMs: 1000 };

describe('CircuitBreakers', () => {
  it('stays closed below the failure threshold and opens at it', () => {
    const breakers = new CircuitBreakers(config);
    breakers.recordFailure('graph', 0);
    breakers.recordFailure('graph', 0);
    expect(breakers.allowCall('graph', 0)).toEqual({ allowed: true, probe: false });
    breakers.recordFailure('graph', 10);
    expect(breakers.state('graph')).toBe('open');
    expect(breakers.allowCall('graph', 20)).toEqual({ allowed: false, retryAt: 1010 });
  });

  it('lets one probe through per interval during an outage, so calls stay bounded', () => {
    const breakers = new CircuitBreakers(config);
    for (let i = 0; i < 3; i++) breakers.recordFailure('graph', 0);
    let calls = 0;
    for (let now = 0; now < 60_000; now += 10) {
      const permission = breakers.allowCall('graph', now);
      if (permission.allowed) {
        calls++;
        breakers.recordFailure('graph', now + 5);
      }
    }
    expect(calls).toBe(59);
  });

  it('does not let a second probe out while one is in flight', () => {
    const breakers = new CircuitBreakers(config);
    for (let i = 0; i < 3; i++) breakers.recordFailure('graph', 0);
    expect(breakers.allowCall('graph', 1000)).toEqual({ allowed: true, probe: true });
    expect(breakers.allowCall('graph', 5000).allowed).toBe(false);
  });

  it('closes when a probe succeeds, and keeps hosts apart', () => {
    const breakers = new CircuitBreakers(config);
    for (let i = 0; i < 3; i++) breakers.recordFailure('graph', 0);
    expect(breakers.allowCall('other', 0)).toEqual({ allowed: true, probe: false });
    breakers.allowCall('graph', 1000);
    expect(breakers.recordSuccess('graph')).toBe(true);
    expect(breakers.recordSuccess('graph')).toBe(false);
    expect(breakers.state('graph')).toBe('closed');
    expect(breakers.allowCall('graph', 1001)).toEqual({ allowed: true, probe: false });
  });

  it('lets the next probe out when an allowed probe was forgone', () => {
    const breakers = new CircuitBreakers(config);
    for (let i = 0; i < 3; i++) breakers.recordFailure('graph', 0);
    expect(breakers.allowCall('graph', 1000).allowed).toBe(true);
    breakers.forgoProbe('graph');
    expect(breakers.allowCall('graph', 1001)).toEqual({ allowed: true, probe: true });
  });
});
