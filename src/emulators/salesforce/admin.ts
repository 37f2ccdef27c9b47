import type { FastifyInstance, FastifyReply } from 'fastify';
import { z, ZodError } from 'zod';
import { faultConfigSchema } from '../shared/faults.ts';
import { orgConfigPatchSchema } from './config.ts';
import { RecordFailure, RequestError } from './errors.ts';
import type { SalesforceEmulatorState } from './state.ts';
import { renderRecord } from './rest-records.ts';
import { seedCounts, seedDemo } from './seed.ts';

/**
 * The non-vendor admin API under /__emulator/: seeding, configuration, faults, tokens, and the actions tests need
 * that the REST API does not offer (lead conversion and merge live in SOAP and Apex on a real org). Admin calls are
 * not API calls: they are not counted and never faulted.
 */

const seedSchema = z.union([
  z.object({ preset: z.enum(['demo']) }).strict(),
  z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.number().int().min(1).max(1_000_000)),
]);

const convertLeadSchema = z
  .object({
    leadId: z.string().min(15),
    accountId: z.string().min(15).optional(),
    contactId: z.string().min(15).optional(),
    doNotCreateOpportunity: z.boolean().optional(),
    opportunityName: z.string().min(1).max(120).optional(),
    convertedStatus: z.string().min(1),
  })
  .strict();

const undeleteSchema = z.object({ ids: z.array(z.string().min(15)).min(1).max(200) }).strict();
const mergeSchema = z.object({ masterRecordId: z.string().min(15), recordIdsToMerge: z.array(z.string().min(15)).min(1).max(2) }).strict();

const fieldTypes = ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'reference', 'boolean', 'int', 'double', 'currency', 'percent', 'date', 'datetime'] as const;
const schemaSchema = z
  .object({
    object: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
    label: z.string().min(1).max(40).optional(),
    labelPlural: z.string().min(1).max(40).optional(),
    fields: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'custom field names end in __c'),
            label: z.string().min(1).max(40).optional(),
            type: z.enum(fieldTypes),
            length: z.number().int().min(1).max(131_072).optional(),
            required: z.boolean().optional(),
            externalId: z.boolean().optional(),
            unique: z.boolean().optional(),
            picklistValues: z.array(z.string().min(1)).optional(),
            restrictedPicklist: z.boolean().optional(),
            referenceTo: z.array(z.string().min(1)).min(1).optional(),
            relationshipName: z.string().min(1).optional(),
            defaultValue: z.union([z.string(), z.number(), z.boolean()]).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

const revokeSchema = z.object({ token: z.string().min(1).optional() }).strict();
const clockSchema = z.object({ advanceMs: z.number().int().min(0) }).strict();

function badRequest(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
    return reply.code(400).send({ error: 'invalid_request', message: issues.map((issue) => `${issue.field || '(body)'}: ${issue.message}`).join('; '), issues });
  }
  if (error instanceof RecordFailure) return reply.code(400).send({ success: false, errors: error.errors });
  if (error instanceof RequestError) return reply.code(error.status).send(error.body);
  if (error instanceof Error) return reply.code(400).send({ error: 'invalid_request', message: error.message });
  throw error;
}

export function registerAdminRoutes(app: FastifyInstance, state: SalesforceEmulatorState): void {
  const mutated = () => state.scheduleSave();

  app.post('/__emulator/reset', async () => {
    state.reset();
    mutated();
    return { ok: true };
  });

  app.post('/__emulator/seed', async (request, reply) => {
    try {
      const input = seedSchema.parse(request.body ?? {});
      const created = 'preset' in input ? seedDemo(state.org) : seedCounts(state.org, input as Record<string, number>);
      mutated();
      return { created };
    } catch (error) {
      return badRequest(reply, error);
    }
  });

  app.get('/__emulator/stats', async () => {
    const counts = Object.fromEntries(state.org.schema.all().map((def) => [def.name, state.org.store.count(def.name)]).filter(([, count]) => (count as number) > 0));
    return {
      ...state.stats.snapshot(),
      apiUsage: { used: state.usage.used(state.org.now()), max: state.org.config.dailyApiLimit },
      faults: state.faults.describe(),
      records: counts,
    };
  });

  app.get('/__emulator/config', async () => state.org.config);
  app.post('/__emulator/config', async (request, reply) => {
    try {
      const patch = orgConfigPatchSchema.parse(request.body ?? {});
      for (const rule of patch.validationRules ?? []) {
        const def = state.org.schema.object(rule.object);
        if (!def) throw new Error(`validationRules: unknown object ${rule.object}`);
        if (!def.fields.some((f) => f.name.toLowerCase() === rule.field.toLowerCase())) throw new Error(`validationRules: ${rule.object} has no field ${rule.field}`);
        if (rule.operator === 'matches') new RegExp(String(rule.value));
      }
      state.org.config = { ...state.org.config, ...patch };
      mutated();
      return state.org.config;
    } catch (error) {
      return badRequest(reply, error);
    }
  });

  app.post('/__emulator/faults', async (request, reply) => {
    try {
      return state.faults.configure(faultConfigSchema.parse(request.body ?? {}));
    } catch (error) {
      return badRequest(reply, error);
    }
  });
  app.delete('/__emulator/faults', async () => {
    state.faults.clear();
    return state.faults.describe();
  });

  app.post('/__emulator/revoke', async (request, reply) => {
    try {
      const { token } = revokeSchema.parse(request.body ?? {});
      return { revoked: state.tokens.revoke(token) };
    } catch (error) {
      return badRequest(reply, error);
    }
  });

  /** Issues an access and refresh token pair without a login flow, for strictTokens tests. */
  app.post('/__emulator/tokens', async (request) => {
    const instanceUrl = `${request.protocol}://${request.host}`;
    return state.tokens.issue(instanceUrl, state.org.apiUserId, 'emulator', true);
  });

  app.post('/__emulator/convertLead', async (request, reply) => {
    try {
      const result = state.org.convertLead(convertLeadSchema.parse(request.body ?? {}));
      mutated();
      return result;
    } catch (error) {
      return badRequest(reply, error);
    }
  });

  app.post('/__emulator/merge', async (request, reply) => {
    try {
      const result = state.org.merge(mergeSchema.parse(request.body ?? {}));
      mutated();
      return result;
    } catch (error) {
      return badRequest(reply, error);
    }
  });

  app.post('/__emulator/undelete', async (request, reply) => {
    try {
      const result = state.org.undelete(undeleteSchema.parse(request.body ?? {}).ids);
      mutated();
      return result;
    } catch (error) {
      return badRequest(reply, error);
    }
  });

  app.post('/__emulator/schema', async (request, reply) => {
    try {
      const input = schemaSchema.parse(request.body ?? {});
      const def = state.org.defineSchema({ ...input, fields: input.fields.map((f) => Object.fromEntries(Object.entries(f).filter(([, value]) => value !== undefined)) as typeof f) });
      mutated();
      return { name: def.name, keyPrefix: def.keyPrefix, fields: def.fields.map((f) => f.name) };
    } catch (error) {
      return badRequest(reply, error);
    }
  });

  /** Moves the org's clock forward, for replication-window and date-literal tests against a running emulator. */
  app.post('/__emulator/clock', async (request, reply) => {
    try {
      state.advanceClock(clockSchema.parse(request.body ?? {}).advanceMs);
      return { now: new Date(state.org.now()).toISOString() };
    } catch (error) {
      return badRequest(reply, error);
    }
  });

  app.get<{ Params: { type: string }; Querystring: { includeDeleted?: string } }>('/__emulator/records/:type', async (request, reply) => {
    const def = state.org.schema.object(request.params.type);
    if (!def) return reply.code(404).send({ error: 'not_found', message: `no object ${request.params.type}` });
    const records = [...state.org.store.scan(def.name, request.query.includeDeleted === 'true')].map((record) => renderRecord(state.org, def, record as Record<string, unknown>, '62.0', def.fields));
    return { totalSize: records.length, records };
  });
}
