import Fastify, { type FastifyInstance } from 'fastify';
import { listen, type RunningEmulator } from '../shared/server.ts';

export interface SalesforceEmulatorOptions {
  /** 'demo' seeds realistic demo data; 'none' starts empty. */
  seed?: 'demo' | 'none';
  /** When set, state is loaded from and saved to this JSON file. */
  persistFile?: string;
  logger?: boolean;
}

/** Builds the emulator without listening: tests use app.inject(). (Stub: filled in by the emulator work.) */
export async function buildSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  return app;
}

export async function startSalesforceEmulator(
  options: SalesforceEmulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningEmulator> {
  const app = await buildSalesforceEmulator(options);
  return listen(app, options.port, options.host);
}
