/**
 * One circuit breaker per upstream host: after a run of failures it opens, and while open it lets through only
 * one probe per interval, so an outage costs a bounded trickle of calls instead of a retry storm.
 */

export interface CircuitBreakerConfig {
  /** Consecutive failures that open the circuit. */
  readonly failuresToOpen: number;
  /** While open, at most one probe per this many milliseconds. */
  readonly probeIntervalMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER_CONFIG: CircuitBreakerConfig = { failuresToOpen: 5, probeIntervalMs: 5_000 };

export type CircuitState = 'closed' | 'open';

export type CallPermission = { readonly allowed: true; readonly probe: boolean } | { readonly allowed: false; readonly retryAt: number };

interface HostCircuit {
  failures: number;
  openedAt: number | undefined;
  nextProbeAt: number;
  probeInFlight: boolean;
}

export class CircuitBreakers {
  private readonly hosts = new Map<string, HostCircuit>();

  constructor(private readonly config: CircuitBreakerConfig = DEFAULT_CIRCUIT_BREAKER_CONFIG) {}

  private circuit(host: string): HostCircuit {
    let circuit = this.hosts.get(host);
    if (!circuit) {
      circuit = { failures: 0, openedAt: undefined, nextProbeAt: 0, probeInFlight: false };
      this.hosts.set(host, circuit);
    }
    return circuit;
  }

  state(host: string): CircuitState {
    return this.hosts.get(host)?.openedAt === undefined ? 'closed' : 'open';
  }

  /** Whether the circuit is open and would let a probe out now (without taking it). */
  probeDue(host: string, now: number): boolean {
    const circuit = this.hosts.get(host);
    return circuit?.openedAt !== undefined && !circuit.probeInFlight && now >= circuit.nextProbeAt;
  }

  /** Asks whether a call may go to `host` now; an allowed call while open is the probe. */
  allowCall(host: string, now: number): CallPermission {
    const circuit = this.circuit(host);
    if (circuit.openedAt === undefined) return { allowed: true, probe: false };
    if (circuit.probeInFlight || now < circuit.nextProbeAt) {
      return { allowed: false, retryAt: Math.max(circuit.nextProbeAt, now + 1) };
    }
    circuit.probeInFlight = true;
    circuit.nextProbeAt = now + this.config.probeIntervalMs;
    return { allowed: true, probe: true };
  }

  /** The host answered (any answer that is not an outage): close the circuit. Answers whether it was open. */
  recordSuccess(host: string): boolean {
    const circuit = this.circuit(host);
    const wasOpen = circuit.openedAt !== undefined;
    circuit.failures = 0;
    circuit.openedAt = undefined;
    circuit.probeInFlight = false;
    return wasOpen;
  }

  /** An allowed probe was not made after all (its job turned out to be settled): the next call may probe. */
  forgoProbe(host: string): void {
    const circuit = this.circuit(host);
    circuit.probeInFlight = false;
    circuit.nextProbeAt = 0;
  }

  /** A timeout, refused connection or 5xx. */
  recordFailure(host: string, now: number): void {
    const circuit = this.circuit(host);
    circuit.failures += 1;
    circuit.probeInFlight = false;
    if (circuit.openedAt === undefined && circuit.failures >= this.config.failuresToOpen) {
      circuit.openedAt = now;
      circuit.nextProbeAt = now + this.config.probeIntervalMs;
    }
  }
}
