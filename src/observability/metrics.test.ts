import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildMetricsApp } from '../http/metrics-app.js';
import { declaredMetrics } from '../../test/helpers/prometheus-text.js';
import { GatewayMetrics } from './metrics.js';

const DEFAULT_COLLECTOR_PREFIXES = ['process_', 'nodejs_'];
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The metric families a metrics listener declares, scraped over a real socket. */
async function scrapedFamilies(): Promise<Map<string, string>> {
  app = buildMetricsApp({ registry: new GatewayMetrics().registry, logger: false });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return declaredMetrics(await (await fetch(`${base}/metrics`)).text());
}

/** Metric names a PromQL expression reads: a histogram's `_bucket`, `_count` and `_sum` series belong to its family. */
function metricsQueried(expr: string): string[] {
  return [...expr.matchAll(/\b((?:switchboard|process|nodejs)_[a-z0-9_]+)/g)].map((m) => (m[1] as string).replace(/_(bucket|count|sum)$/, ''));
}

describe('docs/observability.md', () => {
  const doc = readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8');

  it('lists exactly the metrics the registry defines, each with its type', async () => {
    const documented = Object.fromEntries([...doc.matchAll(/^\| `(switchboard_[a-z0-9_]+)` \| (\w+) \|/gm)].map((m) => [m[1], m[2]]));
    const defined = (await new GatewayMetrics().registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
    const ours = defined.filter((m) => m.name.startsWith('switchboard_'));
    expect(documented).toEqual(Object.fromEntries(ours.map((m) => [m.name, m.type])));
    // Everything else comes from the default collectors, which the page names by prefix.
    expect(defined.filter((m) => !ours.includes(m) && !DEFAULT_COLLECTOR_PREFIXES.some((p) => m.name.startsWith(p)))).toEqual([]);
    for (const prefix of DEFAULT_COLLECTOR_PREFIXES) expect(doc).toContain(`\`${prefix}*\``);
  });
});

describe('docs/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };

  it('queries only metrics that /metrics serves', async () => {
    const families = await scrapedFamilies();
    const targets = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })));
    expect(targets.length).toBeGreaterThan(5);
    for (const { panel, expr } of targets) {
      const names = metricsQueried(expr);
      expect(names, `${panel}: ${expr}`).not.toEqual([]);
      expect(names.filter((name) => !families.has(name)), `${panel}: ${expr}`).toEqual([]);
    }
  });
});
