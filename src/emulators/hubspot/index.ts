import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { listen, type RunningEmulator } from '../shared/server.ts';
import { registerAdminRoutes } from './admin.ts';
import { createAssociationsModule } from './associations.ts';
import { HubSpotEmulatorCore } from './emulator.ts';
import { errorBody, HubSpotApiError } from './errors.ts';
import { adminPrefix, installGateway } from './gateway.ts';
import { createListsModule } from './lists.ts';
import { registerObjectRoutes } from './objects.ts';
import { registerPipelineRoutes } from './pipelines.ts';
import type { HubSpotAssociationStore, HubSpotChange, HubSpotEmulatorModule, HubSpotRecordReader } from './ports.ts';
import { registerPropertyRoutes } from './properties.ts';
import { demoLists } from './seed.ts';
import { createWebhooksModule } from './webhooks.ts';

export interface HubSpotEmulatorOptions {
  /** 'demo' seeds realistic demo data; 'none' starts empty. */
  seed?: 'demo' | 'none';
  /** When set, state is loaded from and saved to this JSON file. */
  persistFile?: string;
  logger?: boolean;
  /** Replaces the associations, lists and webhooks modules (ports.ts): tests plug in stand-ins. */
  modules?: (reader: HubSpotRecordReader, emit: (change: HubSpotChange) => void) => Array<{
    module: HubSpotEmulatorModule;
    associations?: HubSpotAssociationStore;
  }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The emulator's state, for in-process tests and benchmarks that need more than the admin API. */
    hubspot: HubSpotEmulatorCore;
  }
}

/** Builds the emulator without listening: tests use app.inject() or listen on port 0. */
export async function buildHubSpotEmulator(options: HubSpotEmulatorOptions = {}): Promise<FastifyInstance> {
  // Batch bodies of 100 records with long text values exceed Fastify's 1 MiB default, and a path may carry an
  // email address as the id (idProperty=email): up to 254 characters, past Fastify's 100-character parameters.
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 32 * 1024 * 1024, routerOptions: { maxParamLength: 1024 } });
  const core = new HubSpotEmulatorCore(options.persistFile);
  app.decorate('hubspot', core);

  app.setErrorHandler((error: FastifyError | HubSpotApiError | ZodError, request, reply) => {
    if (error instanceof HubSpotApiError) return reply.code(error.statusCode).send(error.body());
    if (error instanceof ZodError) {
      const issue = error.issues[0];
      const field = issue?.path.join('.') ?? '';
      return reply.code(400).send(errorBody('VALIDATION_ERROR', `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid input'}`, { context: { field: [field] } }));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own refusals (malformed JSON, wrong content type) in HubSpot's envelope.
      return reply.code(status).send(errorBody('VALIDATION_ERROR', `Invalid input JSON: ${error.message}`));
    }
    request.log.error(error);
    return reply.code(500).send(errorBody('INTERNAL_ERROR', 'internal error'));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const body = errorBody('OBJECT_NOT_FOUND', path.startsWith(adminPrefix) ? `No admin route ${request.method} ${path}` : `Unable to find a route for ${request.method} ${path}`);
    return reply.code(404).send(body);
  });

  // The gate goes first so that every vendor route registered after it, the modules' included, passes through it.
  installGateway(app, { faults: core.faults, stats: core.calls, limiter: core.limiter, tokens: core.tokens });

  registerObjectRoutes(app, {
    store: core.store,
    associations: () => core.associationStore,
    baseUrl: (request) => `${request.protocol}://${request.host}`,
  });
  registerPropertyRoutes(app, core.schema, () => core.portalId, () => core.scheduleSave());
  core.owners.registerRoutes(app);
  registerPipelineRoutes(app);
  core.tokens.registerRoutes(app);
  registerAdminRoutes(app, core);

  const emit = (change: HubSpotChange) => core.forward(change);
  for (const { module, associations } of (options.modules ?? defaultModules)(core.store, emit)) {
    core.addModule(module, associations);
    module.register(app);
  }

  if (core.modules.some((m) => m.name === 'lists')) {
    // Through the lists module's own admin route: the emulator knows no more of lists than their contract.
    core.demoExtras.push(async () => {
      const lists = demoLists(core.store);
      for (const list of lists) {
        const response = await app.inject({ method: 'POST', url: '/__emulator/lists', payload: list });
        if (response.statusCode !== 200) throw new Error(`demo list "${list.name}" refused: ${response.body}`);
      }
      return { lists: lists.length };
    });
  }
  // Hooks must be added before the demo seed: it goes through app.inject, which starts the app.
  if (options.persistFile) app.addHook('onClose', async () => core.save());
  if (!core.load() && options.seed === 'demo') await core.seedDemo();
  return app;
}

/** The modules built beside the record store (ports.ts), each reading records through the store. */
function defaultModules(reader: HubSpotRecordReader, emit: (change: HubSpotChange) => void): Array<{ module: HubSpotEmulatorModule; associations?: HubSpotAssociationStore }> {
  const associations = createAssociationsModule(reader, emit);
  return [{ module: associations, associations }, { module: createListsModule(reader) }, { module: createWebhooksModule(reader) }];
}

export async function startHubSpotEmulator(
  options: HubSpotEmulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningEmulator> {
  const app = await buildHubSpotEmulator(options);
  return listen(app, options.port, options.host);
}
