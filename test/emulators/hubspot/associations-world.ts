import { Client } from '@hubspot/api-client';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { errorBody, HubSpotApiError } from '../../../src/emulators/hubspot/errors.ts';
import type { HubSpotChange, HubSpotEmulatorModule, HubSpotRecordReader, HubSpotRecordView } from '../../../src/emulators/hubspot/ports.ts';
import { listen, type RunningEmulator } from '../../../src/emulators/shared/server.ts';

/**
 * A small CRM in memory that plays the record store's part of ports.ts, so the associations, lists and
 * webhooks modules are tested alone: it answers the reader, and each write announces the HubSpotChange the
 * real store would, to every module.
 */

const types: Record<string, { id: string; aliases: string[] }> = {
  contacts: { id: '0-1', aliases: ['contact'] },
  companies: { id: '0-2', aliases: ['company'] },
  deals: { id: '0-3', aliases: ['deal'] },
  tickets: { id: '0-5', aliases: ['ticket'] },
  notes: { id: '0-46', aliases: ['note'] },
  tasks: { id: '0-27', aliases: ['task'] },
  p881234_cars: { id: '2-101', aliases: ['cars'] },
};

export class MemoryCrm implements HubSpotRecordReader {
  private records = new Map<string, Map<string, HubSpotRecordView>>();
  private mergedInto = new Map<string, string>();
  private nextId = 101;
  readonly listeners: Array<(change: HubSpotChange) => void> = [];

  resolveObjectType(nameOrId: string): string | undefined {
    const wanted = nameOrId.toLowerCase();
    return Object.entries(types).find(([name, t]) => name === wanted || t.id === wanted || t.aliases.includes(wanted))?.[0];
  }

  objectTypeId(objectType: string): string {
    const type = types[objectType];
    if (!type) throw new Error(`unknown type ${objectType}`);
    return type.id;
  }

  get(objectType: string, id: string): HubSpotRecordView | undefined {
    const byId = this.records.get(objectType);
    let current = id;
    for (let hops = 0; hops < 10; hops += 1) {
      const record = byId?.get(current);
      if (record) return record;
      const next = this.mergedInto.get(current);
      if (next === undefined) return undefined;
      current = next;
    }
    return undefined;
  }

  *scan(objectType: string): Iterable<HubSpotRecordView> {
    yield* this.records.get(objectType)?.values() ?? [];
  }

  /** Forgets every record (ids keep counting up, so a later test never meets an earlier test's id). */
  clear(): void {
    this.records.clear();
    this.mergedInto.clear();
  }

  private announce(change: HubSpotChange): void {
    for (const listener of this.listeners) listener(change);
  }

  create(objectType: string, properties: Record<string, string> = {}): HubSpotRecordView {
    const id = String(this.nextId++);
    const now = new Date().toISOString();
    const record: HubSpotRecordView = { id, objectType, properties: { hs_object_id: id, ...properties }, createdAt: now, updatedAt: now, archived: false };
    let byId = this.records.get(objectType);
    if (!byId) this.records.set(objectType, (byId = new Map()));
    byId.set(id, record);
    this.announce({ kind: 'creation', record: { ...record, properties: { ...record.properties } } });
    for (const [name, value] of Object.entries(properties)) this.announce({ kind: 'propertyChange', record, propertyName: name, propertyValue: value });
    return record;
  }

  update(objectType: string, id: string, properties: Record<string, string | null>): void {
    const record = this.records.get(objectType)?.get(id);
    if (!record) throw new Error(`no ${objectType} ${id}`);
    const values = { ...record.properties };
    for (const [name, value] of Object.entries(properties)) {
      if (value === null || value === '') delete values[name];
      else values[name] = value;
    }
    const updated: HubSpotRecordView = { ...record, properties: values, updatedAt: new Date().toISOString() };
    this.records.get(objectType)?.set(id, updated);
    for (const [name, value] of Object.entries(properties)) this.announce({ kind: 'propertyChange', record: updated, propertyName: name, propertyValue: value });
  }

  archive(objectType: string, id: string): void {
    const record = this.records.get(objectType)?.get(id);
    if (!record) throw new Error(`no ${objectType} ${id}`);
    this.records.get(objectType)?.set(id, { ...record, archived: true });
    this.announce({ kind: 'deletion', objectType, id });
  }

  restore(objectType: string, id: string): void {
    const record = this.records.get(objectType)?.get(id);
    if (!record) throw new Error(`no ${objectType} ${id}`);
    const restored = { ...record, archived: false };
    this.records.get(objectType)?.set(id, restored);
    this.announce({ kind: 'restore', record: restored });
  }

  /** As HubSpot's merge: the primary keeps its id; the merged id resolves to it from now on. */
  merge(objectType: string, primaryId: string, mergedId: string): void {
    this.records.get(objectType)?.delete(mergedId);
    this.mergedInto.set(mergedId, primaryId);
    this.announce({ kind: 'merge', objectType, primaryId, mergedIds: [mergedId], newId: primaryId });
  }
}

export interface ModuleApp {
  app: FastifyInstance;
  emulator: RunningEmulator;
  client: Client;
  http(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/**
 * A fastify app with the emulator's error rendering and the given modules registered, listening on loopback,
 * with the official client pointed at it. Every change the CRM announces reaches every module, as index.ts wires it.
 */
export async function startModuleApp(crm: MemoryCrm, modules: HubSpotEmulatorModule[]): Promise<ModuleApp> {
  const app = Fastify({ logger: false });
  // As index.ts renders refusals: the modules throw HubSpotApiError, and their body schemas throw ZodError.
  app.setErrorHandler((error: FastifyError | HubSpotApiError | ZodError, _request, reply) => {
    if (error instanceof HubSpotApiError) return reply.code(error.statusCode).send(error.body());
    if (error instanceof ZodError) {
      const field = error.issues[0]?.path.join('.') ?? '';
      return reply.code(400).send(errorBody('VALIDATION_ERROR', `${field ? `${field}: ` : ''}${error.issues[0]?.message ?? 'invalid input'}`, { context: { field: [field] } }));
    }
    const status = error.statusCode ?? 500;
    return reply.code(status).send(errorBody(status < 500 ? 'VALIDATION_ERROR' : 'INTERNAL_ERROR', error.message));
  });
  for (const module of modules) {
    module.register(app);
    crm.listeners.push((change) => module.onChange(change));
  }
  const emulator = await listen(app, 0);
  const client = new Client({ accessToken: 'x', basePath: emulator.url });
  return {
    app,
    emulator,
    client,
    async http(method, path, body) {
      const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => emulator.close(),
  };
}

/** The official client throws ApiException on a refusal; this returns its status and parsed body. */
export async function refusal(promise: Promise<unknown>): Promise<{ code: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    await promise;
  } catch (error) {
    const e = error as { code: number; body: unknown };
    return { code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
  }
  throw new Error('expected the call to be refused');
}
