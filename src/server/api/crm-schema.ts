/**
 * The live schema of both systems, as the mapping editor and the mapping checks need it, and HubSpot's contact
 * lists (the inclusion-list picker). A port, so the routes can be served from the connectors in the service and
 * from anything else in a tool.
 */
import type { HubSpotClient, HubSpotObjectSchemaDefinition } from '../../connectors/hubspot/client.ts';
import type { SalesforceClient } from '../../connectors/salesforce/client.ts';
import type { HubSpotPropertyDescription, SalesforceFieldDescription } from '../../core/mapping/model.ts';
import { salesforceObjectAccess } from '../../engine/custom-objects.ts';

export type HubSpotPropertySchema = HubSpotPropertyDescription & { label: string };
export type SalesforceFieldSchema = SalesforceFieldDescription & { label: string };

export interface CrmSchemaPort {
  hubspotProperties(objectType: string): Promise<HubSpotPropertySchema[]>;
  salesforceFields(object: string): Promise<SalesforceFieldSchema[]>;
  /** A custom object's mappings are made from both sides' schemas (src/engine/custom-objects.ts). */
  salesforceObjectAccess(object: string): Promise<{ name: string; queryable: boolean }>;
  hubspotObjectSchema(objectType: string): Promise<HubSpotObjectSchemaDefinition>;
  /** Contact lists (an inclusion list holds contacts). */
  hubspotContactLists(): Promise<Array<{ listId: string; name: string; size: number | null }>>;
}

interface DescribeField {
  name: string;
  label?: string;
  type: string;
  updateable?: boolean;
  length?: number;
  referenceTo?: string[];
}

/** HubSpot's object type id for contacts (lists name their object by id). */
const CONTACTS_OBJECT_TYPE_ID = '0-1';
const LIST_SEARCH_PAGE = 500;

/**
 * The port over the connectors, every call metered (Salesforce describes count against the allocation and are
 * cached by the client) except the list search: HubSpotClient has no call for it yet, so it goes through the
 * SDK directly, unpaced and uncounted by the HubSpot tally; rare (an admin opening the settings). It belongs in
 * HubSpotClient.
 */
export function crmSchemaFromConnectors(salesforce: SalesforceClient, hubspot: HubSpotClient): CrmSchemaPort {
  return {
    async hubspotProperties(objectType) {
      return (await hubspot.properties(objectType)).map((property) => ({
        name: property.name,
        label: property.label,
        type: property.type as HubSpotPropertyDescription['type'],
        fieldType: property.fieldType as HubSpotPropertyDescription['fieldType'],
        ...(property.readOnlyValue ? { readOnlyValue: true } : {}),
        ...(property.options.length > 0 ? { options: property.options } : {}),
      }));
    },
    async salesforceFields(object) {
      const described = (await salesforce.describe(object)) as { fields: DescribeField[] };
      return described.fields.map((field) => ({
        name: field.name,
        label: field.label ?? field.name,
        type: field.type as SalesforceFieldDescription['type'],
        ...(field.updateable === undefined ? {} : { updateable: field.updateable }),
        ...(field.length ? { length: field.length } : {}),
        ...(field.referenceTo && field.referenceTo.length > 0 ? { referenceTo: field.referenceTo } : {}),
      }));
    },
    salesforceObjectAccess: (object) => salesforceObjectAccess(salesforce, object),
    hubspotObjectSchema: (objectType) => hubspot.objectSchema(objectType),
    async hubspotContactLists() {
      const lists: Array<{ listId: string; name: string; size: number | null }> = [];
      for (let offset = 0; ; ) {
        const page = await hubspot.client.crm.lists.listsApi.doSearch({ offset, count: LIST_SEARCH_PAGE, query: '' });
        for (const list of page.lists) {
          if (list.objectTypeId !== CONTACTS_OBJECT_TYPE_ID) continue;
          // Search results carry the size as the hs_list_size text property, not as a field.
          const size = Number(list.additionalProperties?.hs_list_size);
          lists.push({ listId: String(list.listId), name: list.name, size: Number.isFinite(size) && list.additionalProperties?.hs_list_size !== undefined ? size : null });
        }
        if (!page.hasMore || page.offset <= offset) break;
        offset = page.offset;
      }
      return lists.sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}
