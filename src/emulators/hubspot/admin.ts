import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faultConfigSchema } from '../shared/faults.ts';
import { notFound, validationError } from './errors.ts';
import type { HubSpotEmulatorCore } from './emulator.ts';
import { parseBody } from './objects.ts';

/**
 * The non-vendor admin API under /__emulator/: reset, seed, stats, config, faults, token revocation, owners,
 * merges, user edits and a raw view of the records. Not counted, not rate-limited, not fault-injected. Bad input gets 400 naming the field.
 */

export const configSchema = z
  .object({
    portalId: z.number().int().positive().optional(),
    rateLimits: z
      .object({
        tenSecondly: z.number().int().positive().optional(),
        daily: z.number().int().positive().optional(),
        searchPerSecond: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /** false: only tokens issued by /oauth/v1/token are accepted. */
    acceptAnyToken: z.boolean().optional(),
    accessTokenTtlSeconds: z.number().int().positive().optional(),
  })
  .strict();

const seedSchema = z.union([
  z.object({ preset: z.enum(['demo', 'none']) }).strict(),
  z.record(z.string(), z.number().int().min(0).max(2_000_000)),
]);

export function registerAdminRoutes(app: FastifyInstance, core: HubSpotEmulatorCore): void {
  app.post('/__emulator/reset', async () => {
    core.reset();
    return { ok: true };
  });

  app.post('/__emulator/seed', async (request) => {
    const input = parseBody(seedSchema, request.body);
    if ('preset' in input && typeof input.preset === 'string') {
      return { created: input.preset === 'demo' ? await core.seedDemo() : {} };
    }
    const counts = input as Record<string, number>;
    for (const name of Object.keys(counts)) {
      if (core.store.resolveObjectType(name) === undefined) throw validationError(`Unknown object type in seed: ${name}`, { context: { field: [name] } });
    }
    return { created: core.seedCounts(counts) };
  });

  app.get('/__emulator/stats', async () => core.stats());

  app.post('/__emulator/config', async (request) => core.configure(parseBody(configSchema, request.body)));

  app.get('/__emulator/config', async () => core.config());

  app.post('/__emulator/faults', async (request) => core.faults.configure(parseBody(faultConfigSchema, request.body)));

  app.delete('/__emulator/faults', async () => {
    core.faults.clear();
    return core.faults.describe();
  });

  app.post('/__emulator/revoke', async (request) => {
    const { token } = parseBody(z.object({ token: z.string().min(1) }).strict(), request.body);
    core.tokens.revoke(token);
    return { revoked: true };
  });

  /**
   * Writes as a HubSpot user would in the app (sourceType CRM_UI), uncounted: how tests make a change "in
   * HubSpot" that the sync must pick up, and tell it apart from crmsync's own API writes.
   */
  const userSource = { sourceType: 'CRM_UI' } as const;
  const recordWrite = z.object({ properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) }).strict();

  app.post<{ Params: { objectType: string } }>('/__emulator/records/:objectType', async (request, reply) => {
    const type = core.store.schema.require(request.params.objectType);
    const { properties } = parseBody(recordWrite, request.body);
    const checked = core.store.checkWrite(type, properties, undefined);
    if ('error' in checked) throw checked.error;
    const record = core.store.create(type, checked.values, userSource, core.store.tick());
    return reply.code(201).send({ id: record.id, properties: record.values });
  });

  app.patch<{ Params: { objectType: string; objectId: string } }>('/__emulator/records/:objectType/:objectId', async (request) => {
    const type = core.store.schema.require(request.params.objectType);
    const { properties } = parseBody(recordWrite, request.body);
    const record = core.store.find(type.name, request.params.objectId);
    if (!record || record.archived) throw notFound(`No ${type.singular} ${request.params.objectId}`, { id: [request.params.objectId] });
    const checked = core.store.checkWrite(type, properties, record);
    if ('error' in checked) throw checked.error;
    const changed = core.store.update(type, record, checked.values, userSource, core.store.tick());
    return { id: record.id, changed, properties: record.values };
  });

  // A user's delete in the HubSpot app: archived as the API's DELETE would, never faulted or counted.
  app.delete<{ Params: { objectType: string; objectId: string } }>('/__emulator/records/:objectType/:objectId', async (request, reply) => {
    const type = core.store.schema.require(request.params.objectType);
    const record = core.store.find(type.name, request.params.objectId);
    if (!record || record.archived) throw notFound(`No ${type.singular} ${request.params.objectId}`, { id: [request.params.objectId] });
    core.store.archive(type, record, core.store.tick());
    return reply.code(204).send();
  });

  app.post('/__emulator/merge', async (request) => {
    const input = parseBody(z.object({ objectType: z.string(), primaryObjectId: z.string(), objectIdToMerge: z.string() }).strict(), request.body);
    const type = core.store.schema.require(input.objectType);
    const primary = core.store.merge(type, input.primaryObjectId, input.objectIdToMerge);
    return { id: primary.id, properties: primary.values };
  });

  app.post('/__emulator/restore', async (request) => {
    const input = parseBody(z.object({ objectType: z.string(), id: z.string() }).strict(), request.body);
    const type = core.store.schema.require(input.objectType);
    const record = core.store.find(type.name, input.id);
    if (!record) throw notFound(`No ${type.singular} ${input.id}`, { id: [input.id] });
    core.store.restoreArchived(type, record, core.store.tick());
    return { id: record.id, archived: record.archived };
  });

  app.post('/__emulator/owners', async (request, reply) => {
    const owner = parseBody(z.object({ email: z.string().email(), firstName: z.string(), lastName: z.string(), archived: z.boolean().optional() }).strict(), request.body);
    return reply.code(201).send(core.owners.add(owner));
  });

  app.get<{ Params: { objectType: string } }>('/__emulator/records/:objectType', async (request) => {
    const type = core.store.schema.require(request.params.objectType);
    const results = [...core.store.records(type.name).values()].map((r) => ({
      id: r.id,
      properties: r.values,
      createdAt: new Date(r.createdAt).toISOString(),
      updatedAt: new Date(r.updatedAt).toISOString(),
      archived: r.archived,
    }));
    return { objectType: type.name, total: results.length, results };
  });
}
