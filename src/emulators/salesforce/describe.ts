import { addressPicklists } from './address-picklists.ts';
import type { SalesforceOrg } from './org.ts';
import type { FieldDefinition, ObjectDefinition } from './schema.ts';

/**
 * describeGlobal and sObject Describe in the REST shape (REST API Developer Guide, "Describe Global" and
 * "sObject Describe"; field properties as the SOAP DescribeSObjectResult "Field" type lists them). Only the
 * properties a sync engine reads are filled in with meaning; the rest carry a new org's defaults.
 */

const soapTypes: Record<string, string> = {
  id: 'tns:ID', reference: 'tns:ID', boolean: 'xsd:boolean', int: 'xsd:int', double: 'xsd:double', currency: 'xsd:double',
  percent: 'xsd:double', date: 'xsd:date', datetime: 'xsd:dateTime', address: 'urn:address',
};

function urlsOf(version: string, def: ObjectDefinition): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

/**
 * The object-level properties describeGlobal lists for each sObject; sObject Describe starts with the same ones
 * and adds fields and child relationships.
 */
function sobjectSummary(def: ObjectDefinition, version: string) {
  return {
    activateable: false,
    createable: true,
    custom: def.custom,
    customSetting: false,
    deletable: def.name !== 'User',
    deprecatedAndHidden: false,
    feedEnabled: false,
    keyPrefix: def.keyPrefix,
    label: def.label,
    labelPlural: def.labelPlural,
    layoutable: true,
    mergeable: ['Lead', 'Contact', 'Account'].includes(def.name),
    name: def.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: true,
    updateable: true,
    urls: urlsOf(version, def),
  };
}

export function describeGlobal(org: SalesforceOrg, version: string): unknown {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: org.schema.all().map((def) => sobjectSummary(def, version)),
  };
}

function picklistValuesOf(f: FieldDefinition): unknown[] {
  if (f.addressPicklist === 'country') {
    return addressPicklists().countries.map((country) => ({ active: true, defaultValue: false, label: country.label, validFor: null, value: country.code }));
  }
  if (f.addressPicklist === 'state') {
    // Salesforce encodes dependent values with a validFor bitmap over the controlling picklist's values.
    const countries = addressPicklists().countries;
    return countries.flatMap((country, countryIndex) =>
      country.states.map((state) => ({ active: true, defaultValue: false, label: state.label, validFor: validForBitmap(countryIndex, countries.length), value: state.code })),
    );
  }
  return (f.picklistValues ?? []).map((value) => ({ active: true, defaultValue: f.defaultValue === value, label: value, validFor: null, value }));
}

function validForBitmap(index: number, total: number): string {
  const bytes = new Uint8Array(Math.ceil(total / 8));
  bytes[Math.floor(index / 8)] = 0x80 >> index % 8;
  return Buffer.from(bytes).toString('base64');
}

export function describeField(f: FieldDefinition): Record<string, unknown> {
  const textual = !['boolean', 'int', 'double', 'currency', 'percent', 'date', 'datetime'].includes(f.type);
  return {
    aggregatable: f.type !== 'textarea',
    autoNumber: f.name === 'CaseNumber',
    byteLength: textual ? f.length * 3 : 0,
    calculated: false,
    caseSensitive: false,
    controllerName: f.addressPicklist === 'state' ? f.name.replace(/StateCode$/, 'CountryCode') : null,
    createable: f.createable,
    custom: f.custom,
    defaultValue: f.defaultValue ?? null,
    defaultedOnCreate: f.defaultValue !== undefined || ['Id', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp', 'IsDeleted'].includes(f.name),
    dependentPicklist: f.addressPicklist === 'state',
    digits: f.type === 'int' ? 9 : 0,
    externalId: f.externalId,
    filterable: f.type !== 'textarea',
    groupable: !['textarea', 'double', 'currency', 'percent', 'datetime'].includes(f.type),
    idLookup: f.name === 'Id' || f.externalId || f.name === 'Email' || f.name === 'Username',
    label: f.label,
    length: textual ? f.length : 0,
    name: f.name,
    nameField: f.name === 'Name',
    nillable: f.nillable,
    picklistValues: f.type === 'picklist' || f.type === 'combobox' || f.type === 'multipicklist' ? picklistValuesOf(f) : [],
    polymorphicForeignKey: (f.referenceTo?.length ?? 0) > 1,
    precision: f.precision ?? 0,
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    restrictedPicklist: f.restrictedPicklist ?? f.addressPicklist !== undefined,
    scale: f.scale ?? 0,
    soapType: soapTypes[f.type] ?? 'xsd:string',
    sortable: f.type !== 'textarea',
    type: f.type,
    unique: f.unique,
    updateable: f.updateable,
  };
}

export function describeObject(org: SalesforceOrg, def: ObjectDefinition, version: string): unknown {
  const visible = org.visibleObject(def);
  return {
    ...sobjectSummary(def, version),
    childRelationships: def.childRelationships.map((relationship) => ({
      cascadeDelete: false,
      childSObject: relationship.childSObject,
      deprecatedAndHidden: false,
      field: relationship.field,
      relationshipName: relationship.relationshipName,
    })),
    fields: visible.fields.map((f) => describeField(f)),
  };
}
