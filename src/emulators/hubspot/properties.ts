import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from './errors.ts';
import { parseBody } from './objects.ts';
import { fieldTypesByType, renderProperty, type FieldType, type HubSpotSchema, type ObjectTypeDefinition, type PropertyType } from './schema.ts';

/**
 * `/crm/v3/properties/{objectType}` (list, get, create 201, update, archive 204) and the custom object schemas
 * API, served at both `/crm/v3/schemas` (the reference pages) and `/crm-object-schemas/v3/schemas` (the path
 * the official client's generated code calls).
 */

const propertyTypes = Object.keys(fieldTypesByType) as [PropertyType, ...PropertyType[]];
const fieldTypes = [...new Set(Object.values(fieldTypesByType).flat())] as [FieldType, ...FieldType[]];

const optionInput = z.object({
  label: z.string(),
  value: z.string(),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(),
  description: z.string().optional(),
});

const propertyCreate = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  type: z.enum(propertyTypes),
  fieldType: z.enum(fieldTypes),
  groupName: z.string().optional(),
  description: z.string().optional(),
  options: z.array(optionInput).optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  externalOptions: z.boolean().optional(),
  calculationFormula: z.string().optional(),
  referencedObjectType: z.string().optional(),
});

const propertyUpdate = propertyCreate.omit({ name: true, hasUniqueValue: true }).partial();

const schemaCreate = z.object({
  name: z.string().min(1),
  labels: z.object({ singular: z.string().optional(), plural: z.string().optional() }),
  primaryDisplayProperty: z.string().optional(),
  secondaryDisplayProperties: z.array(z.string()).optional(),
  requiredProperties: z.array(z.string()).default([]),
  searchableProperties: z.array(z.string()).optional(),
  associatedObjects: z.array(z.string()).default([]),
  description: z.string().optional(),
  properties: z.array(propertyCreate.partial({ label: true, fieldType: true, type: true, groupName: true })),
});

export function renderSchema(type: ObjectTypeDefinition, portalId: number) {
  return {
    id: type.objectTypeId.replace(/^\d+-/, ''),
    objectTypeId: type.objectTypeId,
    fullyQualifiedName: type.name,
    name: type.schemaName ?? type.singular,
    labels: type.labels,
    primaryDisplayProperty: type.primaryDisplayProperty,
    secondaryDisplayProperties: type.secondaryDisplayProperties,
    requiredProperties: type.requiredProperties,
    searchableProperties: type.searchableProperties,
    properties: [...type.properties.values()].filter((p) => !p.archived).map(renderProperty),
    associations: type.associatedObjects.map((to, index) => ({
      id: String(index + 1),
      fromObjectTypeId: type.objectTypeId,
      toObjectTypeId: to,
      name: `${type.singular}_to_${to}`,
      createdAt: type.createdAt,
      updatedAt: type.updatedAt,
    })),
    metaType: 'PORTAL_SPECIFIC',
    portalId,
    archived: false,
    createdAt: type.createdAt,
    updatedAt: type.updatedAt,
  };
}

export function registerPropertyRoutes(app: FastifyInstance, schema: HubSpotSchema, portalId: () => number, onCustomType: (type: ObjectTypeDefinition) => void): void {
  app.get<{ Params: { objectType: string }; Querystring: Record<string, unknown> }>('/crm/v3/properties/:objectType', async (request) => {
    const type = schema.require(request.params.objectType);
    const archived = request.query.archived === 'true';
    return { results: [...type.properties.values()].filter((p) => p.archived === archived).map(renderProperty) };
  });

  app.get<{ Params: { objectType: string; propertyName: string } }>('/crm/v3/properties/:objectType/:propertyName', async (request) => {
    const type = schema.require(request.params.objectType);
    const property = schema.property(type, request.params.propertyName);
    if (!property) throw notFound(`Unable to find property ${request.params.propertyName} on object type ${type.name}`, { propertyName: [request.params.propertyName] });
    return renderProperty(property);
  });

  app.post<{ Params: { objectType: string } }>('/crm/v3/properties/:objectType', async (request, reply) => {
    const type = schema.require(request.params.objectType);
    const input = parseBody(propertyCreate, request.body);
    return reply.code(201).send(renderProperty(schema.createProperty(type, input)));
  });

  app.patch<{ Params: { objectType: string; propertyName: string } }>('/crm/v3/properties/:objectType/:propertyName', async (request) => {
    const type = schema.require(request.params.objectType);
    const input = parseBody(propertyUpdate, request.body);
    return renderProperty(schema.updateProperty(type, request.params.propertyName, input));
  });

  app.delete<{ Params: { objectType: string; propertyName: string } }>('/crm/v3/properties/:objectType/:propertyName', async (request, reply) => {
    schema.archiveProperty(schema.require(request.params.objectType), request.params.propertyName);
    return reply.code(204).send();
  });

  for (const base of ['/crm/v3/schemas', '/crm-object-schemas/v3/schemas']) {
    app.get(base, async () => ({ results: schema.customTypes().map((t) => renderSchema(t, portalId())) }));

    app.get<{ Params: { objectType: string } }>(`${base}/:objectType`, async (request) => {
      const name = schema.resolve(request.params.objectType);
      const type = name === undefined ? undefined : schema.get(name);
      if (!type) throw notFound(`Unable to find object type ${request.params.objectType}`, { objectType: [request.params.objectType] });
      return renderSchema(type, portalId());
    });

    app.post(base, async (request, reply) => {
      const input = parseBody(schemaCreate, request.body);
      const type = schema.createCustomType(input);
      onCustomType(type);
      return reply.code(201).send(renderSchema(type, portalId()));
    });
  }
}
