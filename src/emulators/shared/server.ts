import type { FastifyInstance } from 'fastify';

export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on loopback by default: an emulator holds fake customer data and has no auth worth the name. */
export async function listen(app: FastifyInstance, port = 0, host = '127.0.0.1'): Promise<RunningEmulator> {
  await app.listen({ port, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator did not bind a TCP port');
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () => app.close(),
  };
}
