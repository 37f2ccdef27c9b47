import { z } from 'zod';
import { ImportRefusedError, type ImportControl } from '../../engine/import-control.ts';
import type { ApiDeps } from './index.ts';
import { ApiRefusal, invalid, type ApiRoutes } from './route-kit.ts';
import { importRequest, importStarted, importStatus } from './schemas.ts';

const notConfigured = { status: 501, description: 'this server runs no importer' };

function importer(deps: ApiDeps): ImportControl {
  if (!deps.imports) throw new ApiRefusal(501, 'not_configured', 'imports are not available in this server: run them with crmsync import, or start the service with its importer');
  return deps.imports;
}

export function registerImportRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add(
    {
      method: 'POST',
      url: '/api/import',
      summary: 'Import existing Salesforce records of an object, optionally only those created or modified after an instant',
      tag: 'import',
      body: importRequest,
      response: { status: 202, description: 'the import started', schema: importStarted },
      errors: [notConfigured],
    },
    async ({ body }, _request, reply) => {
      const imports = importer(deps);
      try {
        const started = await imports.start({
          object: body.object,
          createdAfter: body.createdAfter ? new Date(body.createdAfter) : null,
          modifiedAfter: body.modifiedAfter ? new Date(body.modifiedAfter) : null,
        });
        return reply.code(202).send(started);
      } catch (error) {
        if (error instanceof ImportRefusedError) throw invalid([{ path: error.field, message: error.message }]);
        throw error;
      }
    },
  );

  routes.add(
    {
      method: 'GET',
      url: '/api/import/:importId',
      summary: "An import's progress",
      tag: 'import',
      params: z.object({ importId: z.string().min(1) }),
      response: { status: 200, description: 'progress', schema: importStatus },
      errors: [notConfigured, { status: 404, description: 'no import has this id' }],
    },
    async ({ params }) => {
      const status = await importer(deps).status(params.importId);
      if (!status) throw new ApiRefusal(404, 'not_found', `no import has the id ${params.importId}`);
      return status;
    },
  );
}
