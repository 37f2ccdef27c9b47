/** The admin API's routes, registered on the server with what they depend on. */
import type { ImportControl } from '../../engine/import-control.ts';
import type { SyncControl } from '../../engine/sync-control.ts';
import type { Store } from '../../store/open.ts';
import { registerMetrics } from '../metrics.ts';
import type { CrmSchemaPort } from './crm-schema.ts';
import { registerErrorRoutes } from './errors.ts';
import { registerHealthRoutes } from './health.ts';
import { registerImportRoutes } from './import.ts';
import { registerMappingRoutes } from './mappings.ts';
import { registerOpenApiRoute } from './openapi.ts';
import type { ApiRoutes } from './route-kit.ts';
import { registerSchemaRoutes } from './schema.ts';
import { registerSettingsRoutes } from './settings.ts';
import { registerSyncRoutes } from './sync.ts';

/** Where a record opens in each system's own UI. */
export interface RecordLinks {
  /** e.g. https://acme.my.salesforce.com */
  salesforceInstanceUrl?: string | null;
  /** HubSpot portal (hub) id, and the app's base URL (default https://app.hubspot.com). */
  hubspotPortalId?: string | null;
  hubspotAppUrl?: string;
}

export interface ApiDeps {
  store: Store;
  sync: SyncControl;
  clock: () => Date;
  crmSchema: CrmSchemaPort | null;
  imports: ImportControl | null;
  recordLinks: RecordLinks;
  eventsPingMs: number;
}

export function registerApi(routes: ApiRoutes, deps: ApiDeps): void {
  registerHealthRoutes(routes, deps);
  registerSettingsRoutes(routes, deps);
  registerMappingRoutes(routes, deps);
  registerSchemaRoutes(routes, deps);
  registerErrorRoutes(routes, deps);
  registerSyncRoutes(routes, deps);
  registerImportRoutes(routes, deps);
  registerMetrics(routes, deps);
  registerOpenApiRoute(routes);
}
