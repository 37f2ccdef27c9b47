/**
 * The contract's response shapes as zod schemas, for the OpenAPI document. The type checks at the bottom hold
 * each schema to its interface in contract.ts, so the published description cannot drift from what the routes
 * return.
 */
import { z } from 'zod';
import { fieldSyncRules } from '../../core/mapping/model.ts';
import { syncErrorCategories } from '../../core/sync-error.ts';
import type * as Contract from './contract.ts';

const instant = z.string().describe('ISO 8601 instant, UTC');
const category = z.enum(syncErrorCategories as unknown as [Contract.ErrorCardJson['category'], ...Contract.ErrorCardJson['category'][]]);
const rule = z.enum(fieldSyncRules as unknown as [Contract.MappingInput['rule'], ...Contract.MappingInput['rule'][]]);
const phase = z.enum(['starting', 'initial_sync', 'idle', 'syncing', 'suspended', 'waiting_for_budget', 'stopped']);

export const apiErrorBody = z
  .object({
    error: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'ApiError' });

export const apiUsageJson = z
  .object({
    usedLast24h: z.number().int(),
    allocation: z.number().int().nullable(),
    salesforceLimit: z.number().int().nullable(),
    salesforceRemaining: z.number().int().nullable(),
    remaining: z.number().int().nullable(),
    hourly: z.array(z.object({ hourStart: instant, calls: z.number().int() })),
    byOperation: z.array(z.object({ object: z.string(), operation: z.string(), calls: z.number().int() })),
    apiLimit: z.object({ since: instant, detail: z.string() }).nullable(),
  })
  .meta({ id: 'ApiUsage' });

export const suspensionJson = z
  .object({
    state: z.enum(['salesforce_api_limit_exceeded', 'api_access_disabled', 'auth_failed', 'object_permission_missing', 'unknown']),
    reason: z.string(),
    since: instant,
  })
  .nullable()
  .meta({ id: 'Suspension' });

export const errorCardJson = z
  .object({ type: z.string(), category, title: z.string(), count: z.number().int(), affectedRecords: z.number().int() })
  .meta({ id: 'ErrorCard' });

export const syncStatusJson = z
  .object({
    phase,
    current: z
      .object({
        runId: z.string().nullable(),
        kind: z.string(),
        startedAt: instant,
        progress: z.object({ step: z.string(), done: z.number().int(), total: z.number().int().nullable() }).nullable(),
      })
      .nullable(),
    lastRun: z
      .object({ runId: z.string(), outcome: z.enum(['succeeded', 'partial', 'failed']), finishedAt: instant, failure: z.string().nullable() })
      .nullable(),
    lastSuccessAt: instant.nullable(),
    nextRunAt: instant.nullable(),
  })
  .meta({ id: 'SyncStatus' });

export const healthResponse = z
  .object({ apiUsage: apiUsageJson, suspension: suspensionJson, errors: z.array(errorCardJson), sync: syncStatusJson, waiting: z.array(z.string()) })
  .meta({ id: 'Health' });

export const syncErrorJson = z
  .object({
    id: z.number().int(),
    type: z.string(),
    category,
    object: z.string(),
    hubspotId: z.string().nullable(),
    salesforceId: z.string().nullable(),
    hubspotUrl: z.string().nullable(),
    salesforceUrl: z.string().nullable(),
    field: z.string().nullable(),
    vendorCode: z.string(),
    message: z.string(),
    firstSeenAt: instant,
    lastSeenAt: instant,
    attempts: z.number().int(),
    nextRetryAt: instant.nullable(),
  })
  .meta({ id: 'SyncError' });

export const errorsPage = z.object({ errors: z.array(syncErrorJson), nextCursor: z.string().nullable() }).meta({ id: 'ErrorsPage' });
export const resyncResponse = z.object({ queued: z.number().int() }).meta({ id: 'ResyncResponse' });
export const settingsResponse = z.object({ settings: z.record(z.string(), z.unknown()), version: z.number().int() }).meta({ id: 'Settings' });

export const mappingJson = z
  .object({ hubspotProperty: z.string(), salesforceField: z.string(), rule, origin: z.enum(['default', 'custom']), salesforceObjects: z.array(z.string()) })
  .meta({ id: 'Mapping' });
export const mappingInput = z
  .object({ hubspotProperty: z.string().trim().min(1, 'the HubSpot property is required'), salesforceField: z.string().trim().min(1, 'the Salesforce field is required'), rule })
  .meta({ id: 'MappingInput' });
export const mappingsResponse = z.object({ object: z.string(), mappings: z.array(mappingJson) }).meta({ id: 'Mappings' });

const schemaField = z.object({ name: z.string(), label: z.string(), type: z.string() }).meta({ id: 'SchemaField' });
export const schemaResponse = z
  .object({ object: z.string(), hubspot: z.array(schemaField), salesforce: z.record(z.string(), z.array(schemaField)) })
  .meta({ id: 'Schema' });
export const listsResponse = z
  .object({ lists: z.array(z.object({ listId: z.string(), name: z.string(), size: z.number().int().nullable() })) })
  .meta({ id: 'HubSpotLists' });

export const syncRequestedResponse = z.object({ requested: z.literal(true), status: syncStatusJson }).meta({ id: 'SyncRequested' });

export const importRequest = z
  .strictObject({
    object: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a Salesforce object API name, e.g. Lead or Project__c'),
    createdAfter: z.iso.datetime({ offset: true, error: 'an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z' }).optional(),
    modifiedAfter: z.iso.datetime({ offset: true, error: 'an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z' }).optional(),
  })
  .meta({ id: 'ImportRequest' });
export const importStarted = z.object({ importId: z.string() }).meta({ id: 'ImportStarted' });
export const importStatus = z
  .object({
    importId: z.string(),
    object: z.string(),
    state: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
    read: z.number().int(),
    total: z.number().int().nullable(),
    created: z.number().int(),
    updated: z.number().int(),
    failed: z.number().int(),
    failure: z.string().nullable(),
    apiCalls: z.object({ salesforce: z.number().int(), hubspot: z.number().int() }),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'ImportStatus' });

export const sessionState = z.object({ authenticated: z.boolean(), csrfToken: z.string().nullable() }).meta({ id: 'SessionState' });
export const sessionCreated = z.object({ csrfToken: z.string() }).meta({ id: 'SessionCreated' });

// Each schema's output must be exactly the contract's type: a change to one without the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type ContractChecks = [
  Holds<Same<z.output<typeof apiErrorBody>, Contract.ApiErrorBody>>,
  Holds<Same<z.output<typeof apiUsageJson>, Contract.ApiUsageJson>>,
  Holds<Same<z.output<typeof errorCardJson>, Contract.ErrorCardJson>>,
  Holds<Same<z.output<typeof healthResponse>, Contract.HealthResponse>>,
  Holds<Same<z.output<typeof syncErrorJson>, Contract.SyncErrorJson>>,
  Holds<Same<z.output<typeof errorsPage>, Contract.ErrorsPage>>,
  Holds<Same<z.output<typeof resyncResponse>, Contract.ResyncResponse>>,
  Holds<Same<z.output<typeof settingsResponse>, Contract.SettingsResponse>>,
  Holds<Same<z.output<typeof mappingJson>, Contract.MappingJson>>,
  Holds<Same<z.output<typeof mappingInput>, Contract.MappingInput>>,
  Holds<Same<z.output<typeof mappingsResponse>, Contract.MappingsResponse>>,
  Holds<Same<z.output<typeof schemaResponse>, Contract.SchemaResponse>>,
  Holds<Same<z.output<typeof syncStatusJson>, Contract.SyncStatusJson>>,
  Holds<Same<z.output<typeof importRequest>, Contract.ImportRequest>>,
  Holds<Same<z.output<typeof importStatus>, Contract.ImportStatus>>,
];
