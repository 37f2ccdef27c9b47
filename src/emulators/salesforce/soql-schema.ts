import type { FieldType } from 'soql-parser-js';
import type { SalesforceFieldType, SoqlChildRelationship, SoqlDataSource, SoqlField, SoqlObject, SoqlRecord } from './soql-source.ts';

/** One object's schema, indexed for the case-insensitive lookups SOQL needs. */
export interface ObjectSchema {
  object: SoqlObject;
  /** lower-cased field name → field */
  fields: Map<string, SoqlField>;
  /** lower-cased relationship name (AccountId → "account") → the reference field */
  parents: Map<string, SoqlField>;
  /** lower-cased child relationship name → relationship */
  children: Map<string, SoqlChildRelationship>;
}

/** Schemas looked up once per query, so a million-row scan never re-indexes a field list. */
export class SchemaCache {
  private readonly byName = new Map<string, ObjectSchema | null>();

  constructor(readonly source: SoqlDataSource) {}

  get(name: string): ObjectSchema | undefined {
    const key = name.toLowerCase();
    let schema = this.byName.get(key);
    if (schema === undefined) {
      const object = this.source.object(name);
      schema = object ? index(object) : null;
      this.byName.set(key, schema);
    }
    return schema ?? undefined;
  }
}

function index(object: SoqlObject): ObjectSchema {
  const fields = new Map<string, SoqlField>();
  const parents = new Map<string, SoqlField>();
  for (const field of object.fields) {
    fields.set(field.name.toLowerCase(), field);
    if (field.type === 'reference' && field.relationshipName) parents.set(field.relationshipName.toLowerCase(), field);
  }
  const children = new Map<string, SoqlChildRelationship>();
  for (const child of object.childRelationships ?? []) children.set(child.relationshipName.toLowerCase(), child);
  return { object, fields, parents, children };
}

/** One step up a parent relationship: read `field` (AccountId), follow it to the record it names. */
export interface ParentHop {
  field: SoqlField;
  /** as the schema spells it: the key of the nested object in a row ("Account") */
  relationshipName: string;
  /** the object(s) the hop may land on; more than one for polymorphic references such as OwnerId */
  targets: ObjectSchema[];
}

/** A field reached from the FROM object, possibly through parents (`Account.Owner.Email`). */
export interface FieldPath {
  hops: ParentHop[];
  field: SoqlField;
  /** the schema spelling of each segment, for output keys: ["Account", "Owner", "Email"] */
  names: string[];
  /** `What.Type`: the type of the record a polymorphic relationship lands on, not a stored field */
  objectType?: true;
}

export type FieldPathProblem =
  | { kind: 'noSuchColumn'; field: string; entity: string }
  | { kind: 'unknownRelationship'; relationship: string };

/**
 * Resolves `segments` (["Account", "Owner", "Email"]) from `from`. A polymorphic hop accepts a field that any of
 * its targets has; at run time the record actually referenced decides.
 */
export function resolveFieldPath(schemas: SchemaCache, from: ObjectSchema, segments: string[]): FieldPath | FieldPathProblem {
  const hops: ParentHop[] = [];
  const names: string[] = [];
  let current: ObjectSchema[] = [from];
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    const reference = firstDefined(current, (schema) => schema.parents.get(segment.toLowerCase()));
    if (!reference) return { kind: 'unknownRelationship', relationship: segment };
    const targets = (reference.referenceTo ?? []).flatMap((name) => schemas.get(name) ?? []);
    if (targets.length === 0) return { kind: 'unknownRelationship', relationship: segment };
    hops.push({ field: reference, relationshipName: reference.relationshipName!, targets });
    names.push(reference.relationshipName!);
    current = targets;
  }
  const last = segments[segments.length - 1]!;
  if (last.toLowerCase() === 'type' && current.length > 1) {
    // A polymorphic relationship answers `Type`, the object it points at, even where a target has a Type field
    // of its own (Account does): `WHERE What.Type IN ('Account', 'Opportunity')` ("Working with Polymorphic
    // Relationships in SOQL Queries", Apex Developer Guide).
    names.push('Type');
    return { hops, field: { name: 'Type', type: 'picklist' }, names, objectType: true };
  }
  const field = firstDefined(current, (schema) => schema.fields.get(last.toLowerCase()));
  if (!field) return { kind: 'noSuchColumn', field: last, entity: current[0]!.object.name };
  names.push(field.name);
  return { hops, field, names };
}

function firstDefined<T, R>(items: T[], pick: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const found = pick(item);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The record a chain of hops lands on, with its object, or null where a reference is empty or dangling. */
function followHops(
  source: SoqlDataSource,
  record: SoqlRecord,
  hops: ParentHop[],
): { objectName: string | undefined; record: SoqlRecord } | null {
  let current: { objectName: string | undefined; record: SoqlRecord } = { objectName: undefined, record };
  for (const hop of hops) {
    const id = current.record[hop.field.name];
    if (typeof id !== 'string' || id === '') return null;
    const parent = source.get(id);
    if (!parent) return null;
    current = parent;
  }
  return current;
}

/** A compiled reader of one field path: what WHERE, ORDER BY and the projection call per row. */
export function fieldReader(source: SoqlDataSource, path: FieldPath): (record: SoqlRecord) => unknown {
  const name = path.field.name;
  if (path.objectType) {
    const targets = path.hops[path.hops.length - 1]!.targets;
    return (record) => {
      const objectName = followHops(source, record, path.hops)?.objectName;
      if (objectName === undefined) return null;
      return targets.find((target) => target.object.name.toLowerCase() === objectName.toLowerCase())?.object.name ?? objectName;
    };
  }
  if (path.hops.length === 0) return (record) => record[name] ?? null;
  return (record) => {
    const target = followHops(source, record, path.hops);
    return target === null ? null : (target.record[name] ?? null);
  };
}

/** How a field's values compare, by the family its describe type belongs to. */
export type Family = 'text' | 'id' | 'boolean' | 'number' | 'date' | 'datetime' | 'multipicklist' | 'address';

export function familyOf(type: SalesforceFieldType): Family {
  switch (type) {
    case 'id': case 'reference': return 'id';
    case 'boolean': return 'boolean';
    case 'int': case 'double': case 'currency': case 'percent': return 'number';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'multipicklist': return 'multipicklist';
    case 'address': return 'address';
    default: return 'text';
  }
}

/** The type name Salesforce's filter errors use ("must be of type dateTime"). */
export function soapTypeName(field: SoqlField): string {
  switch (field.type) {
    case 'int': return 'integer';
    case 'currency': case 'percent': return 'double';
    case 'datetime': return 'dateTime';
    case 'reference': return 'id';
    case 'textarea': case 'phone': case 'url': case 'email': case 'picklist': case 'combobox': return 'string';
    default: return field.type;
  }
}

/** Salesforce compares Ids on their case-sensitive 15-character form: the 18-character suffix only encodes case. */
export function idKey(value: string): string {
  return value.length === 18 ? value.slice(0, 15) : value;
}

/** A selected field as written, dotted through its parents: `Account.Owner.Email`. */
export function selectedFieldText(field: FieldType): string {
  if (field.type === 'FieldRelationship') return [...field.relationships, field.field].join('.');
  return field.type === 'Field' ? field.field : '';
}
