/**
 * Figures read back from this process's registry for the dashboard: what only the metrics know (preflight refusals are
 * never stored, circuits live in the dispatcher's memory). They cover this process since it started, every account.
 */
import type { Registry } from 'prom-client';
import type { PreflightCounts } from '../app/stats.js';

async function valuesOf(registry: Registry, name: string): Promise<{ labels: Partial<Record<string, string | number>>; value: number }[]> {
  const metric = registry.getSingleMetric(name);
  return metric ? (await metric.get()).values : [];
}

export async function preflightCounts(registry: Registry): Promise<PreflightCounts> {
  const refused = new Map<string, number>();
  for (const v of await valuesOf(registry, 'switchboard_preflight_refusals_total')) refused.set(String(v.labels['code']), v.value);
  const failed = (await valuesOf(registry, 'switchboard_message_failures_total')).reduce((sum, v) => sum + v.value, 0);
  return { refused, failedAfterAccept: failed };
}

export async function circuitStates(registry: Registry): Promise<{ host: string; open: boolean }[]> {
  return (await valuesOf(registry, 'switchboard_upstream_circuit_open')).map((v) => ({ host: String(v.labels['host']), open: v.value === 1 }));
}
