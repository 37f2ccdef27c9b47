import { z } from 'zod';
import { readHealth } from '../../engine/health.ts';
import type { ApiDeps } from './index.ts';
import { ApiRefusal, type ApiRoutes } from './route-kit.ts';
import { apiUsageJson, healthResponse, suspensionJson } from './schemas.ts';
import { applySettingsChanges } from './settings.ts';

export function registerHealthRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add(
    {
      method: 'GET',
      url: '/api/health',
      summary: 'Sync Health: Salesforce API usage over the rolling 24 hours, suspension, error cards, sync status, what is waiting',
      tag: 'health',
      response: { status: 200, description: 'Sync Health', schema: healthResponse },
    },
    async () => readHealth(deps.store, deps.sync, deps.clock()),
  );

  routes.add(
    {
      method: 'PUT',
      url: '/api/health/allocation',
      summary: "Set crmsync's Salesforce API call allocation per rolling 24 hours (apiCallAllocation); null removes the cap",
      tag: 'health',
      body: z.strictObject({ allocation: z.union([z.number(), z.null()], { error: 'a whole number of calls of 1 or more, or null for no cap' }) }),
      response: { status: 200, description: 'the API usage with the new allocation', schema: apiUsageJson },
    },
    async ({ body }) => {
      try {
        await applySettingsChanges(deps, { apiCallAllocation: body.allocation }, undefined);
      } catch (error) {
        // The setting is apiCallAllocation; this route's field is allocation.
        if (error instanceof ApiRefusal && error.issues) {
          const issues = error.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^apiCallAllocation/, 'allocation') }));
          throw new ApiRefusal(error.status, error.error, issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues);
        }
        throw error;
      }
      return (await readHealth(deps.store, deps.sync, deps.clock())).apiUsage;
    },
  );

  routes.add(
    {
      method: 'POST',
      url: '/api/suspension/clear',
      summary: 'Clear the suspension and sync again; the engine suspends again if the cause persists',
      tag: 'health',
      response: { status: 200, description: 'the suspension now: null once cleared', schema: suspensionJson },
    },
    async (_input, request, reply) => {
      await deps.store.integrationState.clearSuspension(deps.clock());
      request.log.info('suspension cleared by an admin');
      deps.sync.requestRun('suspension cleared by an admin').catch((error: unknown) => request.log.warn({ err: error }, 'the run after clearing the suspension did not start'));
      const { suspension } = await deps.store.integrationState.read();
      return reply
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(suspension ? { state: suspension.state, reason: suspension.reason, since: suspension.since.toISOString() } : null));
    },
  );
}
