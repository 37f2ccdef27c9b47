/**
 * GET /metrics in the Prometheus text format (0.0.4), written by hand: a handful of gauges and counters read
 * from the store on each scrape, so every worker's process reports the same shared figures.
 */
import { readHealth } from '../engine/health.ts';
import type { Store } from '../store/open.ts';
import type { ApiDeps } from './api/index.ts';
import type { ApiRoutes } from './api/route-kit.ts';

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

class Exposition {
  private readonly lines: string[] = [];

  metric(name: string, type: 'gauge' | 'counter', help: string, samples: ReadonlyArray<{ labels?: Labels; value: number | null }>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    // An unknown figure is left out rather than reported as 0, which would read as a fact.
    for (const sample of samples) if (sample.value !== null) this.lines.push(`${name}${labelText(sample.labels ?? {})} ${sample.value}`);
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const directions: Record<string, string> = { salesforce: 'hubspot_to_salesforce', hubspot: 'salesforce_to_hubspot' };

/**
 * Records written and failed, per object and direction, over every run kept. Run counts are named
 * "<system written>.<count>" (the contact cycle) or "<object>.<system>.<count>".
 */
async function recordTotals(store: Store): Promise<{ synced: Map<string, number>; failed: Map<string, number> }> {
  const synced = new Map<string, number>([['contacts|hubspot_to_salesforce', 0], ['contacts|salesforce_to_hubspot', 0]]);
  const failed = new Map(synced);
  const rows = await store.kysely.selectFrom('syncRuns').select('counts').where('outcome', 'is not', null).execute();
  for (const row of rows) {
    let counts: Record<string, unknown>;
    try {
      counts = JSON.parse(row.counts) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const [key, value] of Object.entries(counts)) {
      if (typeof value !== 'number') continue;
      const parts = key.split('.');
      const [object, system, count] = parts.length === 2 ? ['contacts', parts[0]!, parts[1]!] : parts.length === 3 ? [parts[0]!, parts[1]!, parts[2]!] : [];
      const direction = system ? directions[system] : undefined;
      if (!object || !direction) continue;
      const series = `${object}|${direction}`;
      if (count === 'created' || count === 'updated' || count === 'deleted') synced.set(series, (synced.get(series) ?? 0) + value);
      if (count === 'failed') failed.set(series, (failed.get(series) ?? 0) + value);
    }
  }
  return { synced, failed };
}

function seriesSamples(totals: Map<string, number>) {
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([series, value]) => {
    const [object, direction] = series.split('|') as [string, string];
    return { labels: { object, direction }, value };
  });
}

export async function renderMetrics(deps: Pick<ApiDeps, 'store' | 'sync' | 'clock'>): Promise<string> {
  const now = deps.clock();
  const health = await readHealth(deps.store, deps.sync, now);
  const totals = await recordTotals(deps.store);
  const categories = await deps.store.syncErrors.countsByCategory();
  const lastSuccess = health.sync.lastSuccessAt;
  const out = new Exposition();
  out.metric('crmsync_salesforce_api_calls_used_24h', 'gauge', 'Salesforce API calls crmsync made in the rolling 24 hours.', [{ value: health.apiUsage.usedLast24h }]);
  out.metric('crmsync_salesforce_api_calls_remaining', 'gauge', 'Salesforce API calls crmsync may still make: the allocation left, bounded by what Salesforce reports left.', [
    { value: health.apiUsage.remaining },
  ]);
  out.metric('crmsync_records_synced_total', 'counter', 'Records created, updated or deleted by sync runs, per object and direction.', seriesSamples(totals.synced));
  out.metric('crmsync_records_failed_total', 'counter', 'Records a system refused in sync runs, per object and direction.', seriesSamples(totals.failed));
  out.metric('crmsync_sync_lag_seconds', 'gauge', 'Seconds since the last sync run that did not fail ended.', [
    { value: lastSuccess === null ? null : Math.max(0, (now.getTime() - Date.parse(lastSuccess)) / 1000) },
  ]);
  out.metric('crmsync_sync_errors', 'gauge', 'Open sync errors per category.', categories.map((entry) => ({ labels: { category: entry.category }, value: entry.errors })));
  out.metric('crmsync_suspended', 'gauge', '1 while the integration is suspended.', [{ value: health.suspension ? 1 : 0 }]);
  return out.toString();
}

export function registerMetrics(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add(
    {
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics: API calls used and remaining, records synced and failed, lag, errors per category',
      tag: 'metrics',
      response: { status: 200, description: 'Prometheus text format 0.0.4', contentType: 'text/plain; version=0.0.4' },
    },
    async (_input, _request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(await renderMetrics(deps)),
  );
}
