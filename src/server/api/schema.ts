import type { FastifyRequest } from 'fastify';
import type { ApiDeps } from './index.ts';
import { describedObject, objectParams } from './mappings.ts';
import { ApiRefusal, type ApiRoutes } from './route-kit.ts';
import { listsResponse, schemaResponse } from './schemas.ts';
import type { CrmSchemaPort } from './crm-schema.ts';

const unavailable = [
  { status: 501, description: 'this server was started without access to the vendors’ schemas' },
  { status: 502, description: 'HubSpot or Salesforce did not answer' },
];

async function fromVendors<T>(deps: ApiDeps, request: FastifyRequest, what: string, read: (port: CrmSchemaPort) => Promise<T>): Promise<T> {
  if (!deps.crmSchema) throw new ApiRefusal(501, 'not_configured', `${what} cannot be read: this server was started without connections to HubSpot and Salesforce`);
  try {
    return await read(deps.crmSchema);
  } catch (error) {
    request.log.warn({ err: error }, `could not read ${what}`);
    throw new ApiRefusal(502, 'vendor_unavailable', `${what} could not be read: ${(error as Error).message}`);
  }
}

export function registerSchemaRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add(
    {
      method: 'GET',
      url: '/api/schema/:object',
      summary: "The live HubSpot properties and Salesforce fields of a synced object, for the mapping editor",
      tag: 'mappings',
      params: objectParams,
      response: { status: 200, description: 'both sides’ fields', schema: schemaResponse },
      errors: unavailable,
    },
    async ({ params }, request) => {
      const description = await describedObject(deps, params.object);
      return fromVendors(deps, request, 'the live schema', async (port) => {
        const hubspot = await port.hubspotProperties(description.hubspotObjectType);
        const salesforce: Record<string, Array<{ name: string; label: string; type: string }>> = {};
        for (const object of description.salesforceObjects) {
          salesforce[object] = (await port.salesforceFields(object)).map((field) => ({ name: field.name, label: field.label, type: field.type }));
        }
        return {
          object: description.name,
          hubspot: hubspot.map((property) => ({ name: property.name, label: property.label, type: `${property.type}/${property.fieldType}` })),
          salesforce,
        };
      });
    },
  );

  routes.add(
    {
      method: 'GET',
      url: '/api/hubspot/lists',
      summary: 'HubSpot contact lists, for choosing the inclusion list',
      tag: 'settings',
      response: { status: 200, description: 'the lists, by name', schema: listsResponse },
      errors: unavailable,
    },
    async (_input, request) => ({ lists: await fromVendors(deps, request, 'the HubSpot lists', (port) => port.hubspotContactLists()) }),
  );
}
