import { z } from 'zod';
import { describeConfiguredCustomObject, findSyncedObject } from '../../engine/custom-objects.ts';
import { listMappings, type MappingRow } from '../../engine/mappings.ts';
import { readSettings } from '../../engine/settings.ts';
import type { SyncObjectDescription } from '../../objects/index.ts';
import { FieldMappingConflictError } from '../../store/field-mappings.ts';
import type { StoreRepositories } from '../../store/repositories.ts';
import type { MappingJson, MappingsResponse } from './contract.ts';
import type { ApiDeps } from './index.ts';
import { checkCustomTypes, planMappingEdit, type MappingWrite } from './mapping-check.ts';
import { ApiRefusal, invalid, type ApiRoutes } from './route-kit.ts';
import { mappingInput, mappingsResponse } from './schemas.ts';

// Which names are synced objects depends on the customObjects setting: checked against it by `describedObject`.
export const objectParams = z.object({ object: z.string().trim().min(1, 'a synced object') });

/**
 * The description a mapping route works on: a standard pair's, or a configured custom object's, made from the live
 * schemas (its default mappings depend on them). Anything else is a 400 naming what is accepted.
 */
export async function describedObject(deps: ApiDeps, name: string): Promise<SyncObjectDescription> {
  const found = findSyncedObject(name, (await readSettings(deps.store.settings)).settings);
  if (found.kind === 'standard') return found.description;
  if (found.kind === 'unknown') throw invalid([{ path: 'object', message: found.message }]);
  if (!deps.crmSchema) throw new ApiRefusal(501, 'not_configured', `the mappings of custom object ${found.entry.salesforceObject} come from the live schema of both systems, which this server cannot read`);
  let described: Awaited<ReturnType<typeof describeConfiguredCustomObject>>;
  try {
    described = await describeConfiguredCustomObject(found.entry, deps.crmSchema);
  } catch (error) {
    throw new ApiRefusal(502, 'schema_unavailable', `the live schema of ${found.entry.salesforceObject} could not be read: ${(error as Error).message}`);
  }
  if (!described.ok) throw invalid([{ path: 'object', message: described.reason }]);
  return described.description;
}

function toMappingJson(row: MappingRow, description: SyncObjectDescription): MappingJson {
  const first = description.salesforceObjects[0]!;
  return {
    hubspotProperty: row.hubspotProperty,
    salesforceField: row.salesforceFields[first] ?? '',
    rule: row.rule,
    origin: row.origin,
    salesforceObjects: description.salesforceObjects.filter((object) => row.salesforceFields[object] !== null),
  };
}

async function mappingsOf(store: Pick<StoreRepositories, 'fieldMappings'>, description: SyncObjectDescription): Promise<MappingsResponse> {
  const rows = await listMappings(store.fieldMappings, description);
  return { object: description.name, mappings: rows.map((row) => toMappingJson(row, description)) };
}

async function applyWrites(store: StoreRepositories, objectPair: string, writes: readonly MappingWrite[], now: Date): Promise<void> {
  const stored = new Map((await store.fieldMappings.list(objectPair)).map((mapping) => [mapping.hubspotProperty, mapping]));
  // Removals first: a field freed by one mapping may be taken by another in the same edit.
  for (const write of writes) if (write.kind === 'remove') await store.fieldMappings.remove(objectPair, write.hubspotProperty);
  for (const write of writes) {
    if (write.kind === 'remove') continue;
    const existing = stored.get(write.hubspotProperty);
    if (existing && existing.salesforceField === write.salesforceField) {
      await store.fieldMappings.changeRule(objectPair, write.hubspotProperty, write.rule, now);
      continue;
    }
    if (existing) await store.fieldMappings.remove(objectPair, write.hubspotProperty);
    const origin = write.kind === 'default_rule' ? 'default' : 'custom';
    await store.fieldMappings.add({ objectPair, hubspotProperty: write.hubspotProperty, salesforceField: write.salesforceField, rule: write.rule, origin }, now);
  }
}

export function registerMappingRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add(
    {
      method: 'GET',
      url: '/api/mappings/:object',
      summary: "An object's field mappings in force: the defaults (with any rule changed) and the custom ones",
      tag: 'mappings',
      params: objectParams,
      response: { status: 200, description: 'the mappings', schema: mappingsResponse },
    },
    async ({ params }) => mappingsOf(deps.store, await describedObject(deps, params.object)),
  );

  routes.add(
    {
      method: 'PUT',
      url: '/api/mappings/:object',
      summary: 'Add or change mappings and remove custom ones, in one transaction; types are checked against the live schema',
      tag: 'mappings',
      params: objectParams,
      body: z
        .strictObject({ upsert: z.array(mappingInput).default([]), remove: z.array(z.string().trim().min(1, 'a HubSpot property name')).default([]) })
        .refine((edit) => edit.upsert.length + edit.remove.length > 0, 'give mappings to upsert or properties to remove'),
      response: { status: 200, description: 'the mappings after the edit', schema: mappingsResponse },
      errors: [
        { status: 409, description: 'a property or field was mapped by someone else meanwhile' },
        { status: 501, description: 'a custom mapping, and this server cannot read the live schema' },
        { status: 502, description: 'the live schema could not be read from HubSpot or Salesforce' },
      ],
    },
    async ({ params, body }, request) => {
      const description = await describedObject(deps, params.object);
      const current = await listMappings(deps.store.fieldMappings, description);
      const plan = planMappingEdit(description, current, body);
      let writes = plan.writes;
      const issues = [...plan.issues];
      if (writes.some((write) => write.kind === 'custom')) {
        if (!deps.crmSchema) throw new ApiRefusal(501, 'not_configured', 'custom mappings are checked against the live schema of both systems, which this server cannot read');
        let checked: Awaited<ReturnType<typeof checkCustomTypes>>;
        try {
          checked = await checkCustomTypes(description, writes, plan.pathOf, deps.crmSchema);
        } catch (error) {
          request.log.warn({ err: error }, 'could not read the live schema for a mapping edit');
          throw new ApiRefusal(502, 'schema_unavailable', `the live schema could not be read to check the mapping: ${(error as Error).message}`);
        }
        if (checked.ok) writes = checked.writes;
        else issues.push(...checked.issues);
      }
      // Nothing of an edit with any problem is written: every problem is reported at once instead.
      if (issues.length > 0) throw invalid(issues.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true })));
      try {
        await deps.store.transaction((store) => applyWrites(store, description.name, writes, deps.clock()));
      } catch (error) {
        if (error instanceof FieldMappingConflictError) throw new ApiRefusal(409, 'mapping_conflict', error.message);
        throw error;
      }
      return mappingsOf(deps.store, description);
    },
  );
}
