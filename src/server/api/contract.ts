/**
 * The HTTP API's JSON shapes (issue 4), shared by the server routes, the CLI and the web UI (web/ imports this
 * file's types only). Times are ISO 8601 strings in UTC. Every route is under /api, behind the admin token
 * (`Authorization: Bearer <token>`) or the UI session cookie plus its CSRF header on changes.
 *
 *   GET  /api/health                 → HealthResponse
 *   PUT  /api/health/allocation      { allocation: number | null } → HealthResponse['apiUsage']
 *   GET  /api/errors?type=&category=&object=&cursor=&limit= → ErrorsPage
 *   POST /api/errors/resync          { ids: number[] } | { type?, category? } → ResyncResponse
 *   GET  /api/errors.csv?type=&category=  → text/csv
 *   POST /api/suspension/clear       → HealthResponse['suspension'] (null once cleared)
 *   GET  /api/settings               → SettingsResponse
 *   PUT  /api/settings               { changes: { [dottedKey]: value }, version?: number } → SettingsResponse  (all or nothing; 409 if version is stale)
 *   GET  /api/mappings/{object}      → MappingsResponse
 *   PUT  /api/mappings/{object}      { upsert?: MappingInput[], remove?: string[] (hubspot properties) } → MappingsResponse
 *   GET  /api/schema/{object}        → SchemaResponse (live HubSpot properties and Salesforce fields, for the editor)
 *   GET  /api/hubspot/lists          → { lists: Array<{ listId: string; name: string; size: number | null }> }
 *   POST /api/sync                   → 202 { requested: true; status: SyncStatusJson }
 *   GET  /api/sync/status            → SyncStatusJson
 *   GET  /api/events                 → text/event-stream of `status` events (SyncStatusJson) and `health` pings ({ at }: refetch /api/health)
 *   POST /api/import                 ImportRequest → 202 { importId: string }  (501 when the server runs no importer)
 *   GET  /api/import/{importId}      → ImportStatus
 *   POST /api/session                { token } → 200 { csrfToken } + Set-Cookie crmsync_session (HttpOnly, SameSite=Strict); 429 when rate limited
 *   DELETE /api/session              → 204
 *   GET  /api/session                → { authenticated: boolean; csrfToken: string | null }
 *   GET  /api/openapi.json           → the OpenAPI 3.1 description of all the above
 *   GET  /metrics                    → Prometheus text (behind the token too)
 *
 * A change through the session cookie must carry `X-CSRF-Token: <csrfToken>`; a Bearer token needs none.
 * Errors: `{ error: string; message: string; issues?: Array<{ path: string; message: string }> }` with 400
 * (invalid input: each field and reason), 401 (no or wrong token/session), 403 (CSRF), 404, 409, 413.
 */
import type { SyncErrorCategory } from '../../core/sync-error.ts';
import type { FieldSyncRule } from '../../core/mapping/model.ts';
import type { ImportProgress } from '../../engine/import-control.ts';
import type { SyncPhase } from '../../engine/sync-control.ts';

export type SuspensionStateName = 'salesforce_api_limit_exceeded' | 'api_access_disabled' | 'auth_failed' | 'object_permission_missing' | 'unknown';

export interface ApiErrorBody {
  error: string;
  message: string;
  issues?: Array<{ path: string; message: string }>;
}

export interface ApiUsageJson {
  /** Salesforce calls crmsync made in the rolling 24 hours (the ledger; equals the emulator's own count). */
  usedLast24h: number;
  /** apiCallAllocation; null: no cap of crmsync's own. */
  allocation: number | null;
  /** Daily limit Salesforce last reported (/limits or Sforce-Limit-Info); null until first seen. */
  salesforceLimit: number | null;
  /** Org-wide calls left as Salesforce last reported (all integrations). */
  salesforceRemaining: number | null;
  /** What crmsync may still spend: allocation − used, bounded by salesforceRemaining; null when neither bounds it. */
  remaining: number | null;
  /** 24 buckets, oldest first, each the calls in that clock hour. */
  hourly: Array<{ hourStart: string; calls: number }>;
  /** Calls per object and operation over the window, most first. */
  byOperation: Array<{ object: string; operation: string; calls: number }>;
  /** Set while crmsync holds back at the allocation. */
  apiLimit: { since: string; detail: string } | null;
}

export interface ErrorCardJson {
  /** The card: a stable key for one kind of problem, e.g. "property_value:INVALID_EMAIL_ADDRESS". */
  type: string;
  category: SyncErrorCategory;
  /** A human title for the card ("Invalid email address"). */
  title: string;
  count: number;
  affectedRecords: number;
}

export interface HealthResponse {
  apiUsage: ApiUsageJson;
  suspension: { state: SuspensionStateName; reason: string; since: string } | null;
  errors: ErrorCardJson[];
  sync: SyncStatusJson;
  /** What is waiting under a tight budget (issue 4, prioritising), in words; empty when nothing waits. */
  waiting: string[];
}

export interface SyncErrorJson {
  id: number;
  type: string;
  category: SyncErrorCategory;
  object: string;
  hubspotId: string | null;
  salesforceId: string | null;
  /** Links to the record in each system's UI, when known. */
  hubspotUrl: string | null;
  salesforceUrl: string | null;
  field: string | null;
  vendorCode: string;
  message: string;
  firstSeenAt: string;
  lastSeenAt: string;
  attempts: number;
  nextRetryAt: string | null;
}

export interface ErrorsPage {
  errors: SyncErrorJson[];
  nextCursor: string | null;
}

export interface ResyncResponse {
  /** Errors queued for an immediate retry; a sync run was requested. */
  queued: number;
}

export interface SettingsResponse {
  settings: Record<string, unknown>;
  version: number;
}

export interface MappingJson {
  hubspotProperty: string;
  salesforceField: string;
  rule: FieldSyncRule;
  origin: 'default' | 'custom';
  /** The Salesforce objects the field exists on (contacts: Lead, Contact). */
  salesforceObjects: string[];
}

export interface MappingInput {
  hubspotProperty: string;
  salesforceField: string;
  rule: FieldSyncRule;
}

export interface MappingsResponse {
  object: string;
  mappings: MappingJson[];
}

export interface SchemaFieldJson {
  name: string;
  label: string;
  /** HubSpot: `${type}/${fieldType}` e.g. "enumeration/select"; Salesforce: the describe type e.g. "picklist". */
  type: string;
}

export interface SchemaResponse {
  object: string;
  hubspot: SchemaFieldJson[];
  /** Per Salesforce object of the pair. */
  salesforce: Record<string, SchemaFieldJson[]>;
}

export interface SyncStatusJson {
  phase: SyncPhase;
  current: { runId: string | null; kind: string; startedAt: string; progress: { step: string; done: number; total: number | null } | null } | null;
  lastRun: { runId: string; outcome: 'succeeded' | 'partial' | 'failed'; finishedAt: string; failure: string | null } | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
}

export interface ImportRequest {
  object: string;
  createdAfter?: string;
  modifiedAfter?: string;
}

/** An import's progress: the importer's own shape (src/engine/import-control.ts), already JSON. */
export type ImportStatus = ImportProgress;
