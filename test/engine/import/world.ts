/** An importer over a sync test's world, and a wait for an import's end. */
import { importerFor, type Importer } from '../../../src/engine/import/index.ts';
import type { ImportProgress } from '../../../src/engine/import-control.ts';
import { engineNow, type ContactSyncWorld } from '../contacts/world.ts';

export function importerOf(world: ContactSyncWorld, options: Parameters<typeof importerFor>[1] = {}): Importer {
  const { store, salesforce, hubspot, calls } = world;
  return importerFor({ store, salesforce, hubspot, calls, clock: () => engineNow(world) }, options);
}

export async function imported(importer: Importer, order: { object: string; createdAfter?: Date; modifiedAfter?: Date }): Promise<ImportProgress> {
  const { importId } = await importer.start({ object: order.object, createdAfter: order.createdAfter ?? null, modifiedAfter: order.modifiedAfter ?? null });
  return importer.finished(importId);
}
