import { addressPicklists, type PicklistCountry } from './address-picklists.ts';
import { defaultOrgConfig, type OrgConfig } from './config.ts';
import { RecordFailure, RequestError, messages, type RecordError } from './errors.ts';
import { IdFactory, canonicalId } from './ids.ts';
import { Schema, type CustomFieldInput, closedStatuses, convertedLeadStatus, fieldOf, leadStatuses, opportunityStages, stageByName, type FieldDefinition, type ObjectDefinition } from './schema.ts';
import type { SoqlChildRelationship } from './soql-source.ts';
import { RecordStore, type StoredRecord } from './store.ts';
import { coerceValue, formatDate, formatDateTime, isValidEmail } from './values.ts';

/** An external-id upsert that matched several records: Salesforce answers 300 with their URLs. */
export class MultipleMatches extends Error {
  constructor(
    readonly objectName: string,
    readonly fieldName: string,
    readonly ids: string[],
  ) {
    super(`${fieldName}: more than one record found for external id field: [${ids.join(', ')}]`);
    this.name = 'MultipleMatches';
  }
}

type Mode = 'create' | 'update';

/** Per-call options a request header can set. */
export interface WriteOptions {
  /** Sforce-Duplicate-Rule-Header allowSave=true: save despite duplicate rules whose action is 'alert'. */
  allowSave?: boolean;
}

export interface SchemaInput {
  object: string;
  label?: string;
  labelPlural?: string;
  fields: CustomFieldInput[];
}

export interface PersistedOrg {
  format: 1;
  idsIssued: number;
  lastStampMs: number;
  caseNumber: number;
  apiUserId: string;
  config: OrgConfig;
  customDefinitions: SchemaInput[];
  store: ReturnType<RecordStore['snapshot']>;
}

/** An object as the org exposes it at the moment (describe, SOQL, retrieve). */
export interface VisibleObject {
  name: string;
  fields: FieldDefinition[];
  childRelationships: SoqlChildRelationship[];
}

interface WriteContext {
  def: ObjectDefinition;
  options?: WriteOptions;
  mode: Mode;
  /** Fields named in the request, by API name. */
  given: Set<string>;
  record: StoredRecord;
  previous?: StoredRecord;
}

/** Which children go with a parent when it is deleted (Salesforce Help, "Deleting Accounts": contacts, opportunities, cases, activities). */
const cascades: Record<string, Array<[string, string]>> = {
  Account: [['Contact', 'AccountId'], ['Opportunity', 'AccountId'], ['Case', 'AccountId'], ['Task', 'WhatId'], ['Event', 'WhatId']],
  Contact: [['OpportunityContactRole', 'ContactId'], ['CampaignMember', 'ContactId'], ['Task', 'WhoId'], ['Event', 'WhoId']],
  Lead: [['CampaignMember', 'LeadId'], ['Task', 'WhoId'], ['Event', 'WhoId']],
  Opportunity: [['OpportunityContactRole', 'OpportunityId'], ['Task', 'WhatId'], ['Event', 'WhatId']],
  Case: [['Task', 'WhatId'], ['Event', 'WhatId']],
  Campaign: [['CampaignMember', 'CampaignId']],
};

const addressPrefixes: Record<string, string[]> = { Lead: [''], Contact: ['Mailing', 'Other'], Account: ['Billing', 'Shipping'] };

const mergeableObjects = ['Lead', 'Contact', 'Account'];

/**
 * The emulated org: schema, records, configuration, and the write rules Salesforce applies on every insert,
 * update, upsert and delete, whichever API the write came through.
 */
export class SalesforceOrg {
  readonly schema = new Schema();
  readonly store: RecordStore;
  config: OrgConfig = defaultOrgConfig();
  apiUserId = '';
  private ids = new IdFactory();
  private lastStampMs = 0;
  private lastStampText = '';
  /** Custom objects and fields as defined, replayed when persisted state is loaded. */
  private customDefinitions: SchemaInput[] = [];
  private caseNumber = 1000;
  private readonly visibleCache = new WeakMap<ObjectDefinition, { fieldCount: number; on: VisibleObject; off: VisibleObject }>();
  private readonly blankCache = new WeakMap<ObjectDefinition, StoredRecord>();

  constructor(readonly clock: () => number = Date.now) {
    this.store = new RecordStore(this.schema, (definition) => this.visibleObject(definition));
    this.reset();
  }

  /** A fresh org: standard schema, default configuration, one API user who owns and modifies everything. */
  reset(): void {
    this.schema.reset();
    this.customDefinitions = [];
    this.store.clear();
    this.config = defaultOrgConfig();
    this.ids = new IdFactory();
    this.caseNumber = 1000;
    // Set before the insert: the API user's own record is created (and owned) by itself.
    this.apiUserId = this.ids.next('005');
    this.insertTrusted('User', {
      Id: this.apiUserId,
      Username: 'integration@crmsync-emulator.example.com',
      FirstName: 'Integration',
      LastName: 'User',
      Alias: 'integ',
      Email: 'integration@crmsync-emulator.example.com',
    });
  }

  /** Adds a custom object, or custom fields to any object (Setup → Object Manager). */
  defineSchema(input: SchemaInput): ObjectDefinition {
    const definition = this.schema.define(input);
    this.customDefinitions.push(input);
    // Existing records read the new fields as null, as they do in a real org the moment a field is added.
    const blank = this.blank(definition);
    this.store.rewriteInPlace(definition.name, (record) => ({ ...blank, ...record }));
    return definition;
  }

  /**
   * A record of the object with every field at its default. Records are copied from this template rather than
   * built key by key: V8 keeps an object built from dozens of computed-key stores in slow dictionary mode, which
   * doubled the memory per record and halved insert speed.
   */
  private blank(def: ObjectDefinition): StoredRecord {
    let template = this.blankCache.get(def);
    if (!template || Object.keys(template).length !== def.fields.length) {
      template = Object.fromEntries(def.fields.map((f) => [f.name, f.defaultValue ?? (f.type === 'boolean' ? false : null)]));
      this.blankCache.set(def, template);
    }
    return template;
  }

  exportState(): PersistedOrg {
    return {
      format: 1, idsIssued: this.ids.issued, lastStampMs: this.lastStampMs, caseNumber: this.caseNumber, apiUserId: this.apiUserId,
      config: this.config, customDefinitions: this.customDefinitions, store: this.store.snapshot(),
    };
  }

  importState(state: PersistedOrg): void {
    this.reset();
    for (const definition of state.customDefinitions) this.defineSchema(definition);
    this.ids = new IdFactory(state.idsIssued);
    this.lastStampMs = state.lastStampMs;
    this.lastStampText = '';
    this.caseNumber = state.caseNumber;
    this.apiUserId = state.apiUserId;
    this.config = state.config;
    this.store.restore(state.store);
  }

  now(): number {
    return this.clock();
  }

  /**
   * SystemModstamp: never goes backwards, and like the real one it has whole-second precision, so several
   * writes share a stamp and a poller must query with >= and de-duplicate.
   */
  stamp(): string {
    const seconds = Math.floor(this.clock() / 1000) * 1000;
    if (seconds > this.lastStampMs || this.lastStampText === '') {
      this.lastStampMs = Math.max(this.lastStampMs, seconds);
      // One string per second, shared by every record written in it.
      this.lastStampText = formatDateTime(this.lastStampMs);
    }
    return this.lastStampText;
  }

  objectOrThrow(name: string): ObjectDefinition {
    const definition = this.schema.object(name);
    if (!definition) throw new RequestError(404, 'NOT_FOUND', messages.notFound);
    return definition;
  }

  /** The object as the org shows it now: without the address code fields while the picklists are off. */
  visibleObject(definition: ObjectDefinition): VisibleObject {
    let cached = this.visibleCache.get(definition);
    if (!cached || cached.fieldCount !== definition.fields.length) {
      cached = {
        fieldCount: definition.fields.length,
        on: { name: definition.name, fields: definition.fields, childRelationships: definition.childRelationships },
        off: { name: definition.name, fields: definition.fields.filter((f) => !f.addressPicklist), childRelationships: definition.childRelationships },
      };
      this.visibleCache.set(definition, cached);
    }
    return this.config.stateCountryPicklists ? cached.on : cached.off;
  }

  visibleField(definition: ObjectDefinition, name: string): FieldDefinition | undefined {
    const found = fieldOf(definition, name);
    return found && (this.config.stateCountryPicklists || !found.addressPicklist) ? found : undefined;
  }

  /** A record by id for the REST routes: MALFORMED_ID / NOT_FOUND / ENTITY_IS_DELETED as Salesforce words them. */
  findLive(id: string, objectName?: string): { def: ObjectDefinition; record: StoredRecord } {
    const canonical = canonicalId(id);
    if (!canonical) throw RecordFailure.of('MALFORMED_ID', `malformed id ${id}`);
    const found = this.store.find(canonical);
    const def = found ? this.schema.object(found.objectName) : undefined;
    if (!found || !def || (objectName && def.name.toLowerCase() !== objectName.toLowerCase())) {
      throw RecordFailure.of('NOT_FOUND', messages.notFound);
    }
    if (found.record.IsDeleted === true) throw RecordFailure.of('ENTITY_IS_DELETED', messages.entityDeleted);
    return { def, record: found.record };
  }

  // ---------------------------------------------------------------- writes

  create(objectName: string, input: Record<string, unknown>, options: WriteOptions = {}): StoredRecord {
    const def = this.objectOrThrow(objectName);
    const { values, errors } = this.readInput(def, input, 'create');
    if (errors.length) throw new RecordFailure(errors);
    const stamp = this.stamp();
    const record: StoredRecord = { ...this.blank(def) };
    record.Id = this.ids.next(def.keyPrefix);
    this.setCreationFields(record, stamp);
    return this.finishWrite({ def, mode: 'create', given: new Set(values.keys()), record, options }, values);
  }

  update(objectName: string | undefined, id: string, input: Record<string, unknown>, options: WriteOptions = {}): StoredRecord {
    const canonical = canonicalId(id);
    if (!canonical) throw RecordFailure.of('MALFORMED_ID', `${objectName ?? 'Record'} ID: id value of incorrect type: ${id}`, ['Id']);
    const found = this.store.find(canonical);
    if (!found || (objectName && found.objectName.toLowerCase() !== objectName.toLowerCase())) {
      throw RecordFailure.of('NOT_FOUND', messages.notFound);
    }
    if (found.record.IsDeleted === true) throw RecordFailure.of('ENTITY_IS_DELETED', messages.entityDeleted);
    const def = this.objectOrThrow(found.objectName);
    const { values, errors } = this.readInput(def, input, 'update');
    if (def.name === 'Lead' && found.record.IsConverted === true) throw RecordFailure.of('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead');
    if (errors.length) throw new RecordFailure(errors);
    const stamp = this.stamp();
    const record = { ...found.record, LastModifiedDate: stamp, LastModifiedById: this.apiUserId, SystemModstamp: stamp };
    return this.finishWrite({ def, mode: 'update', given: new Set(values.keys()), record, previous: found.record, options }, values);
  }

  /** Upsert on an external id field (or Id): 0 matches create, 1 updates, more is a 300 (REST "Upsert a Record Using an External ID"). */
  upsert(objectName: string, fieldName: string, value: string, input: Record<string, unknown>, options: WriteOptions = {}): { record: StoredRecord; created: boolean } {
    const def = this.objectOrThrow(objectName);
    const keyField = this.visibleField(def, fieldName);
    if (!keyField || (!keyField.externalId && keyField.name !== 'Id')) {
      throw new RequestError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${fieldName}`);
    }
    const body = Object.fromEntries(Object.entries(input).filter(([key]) => key.toLowerCase() !== keyField.name.toLowerCase()));
    if (keyField.name === 'Id') {
      if (!value) return { record: this.create(def.name, body, options), created: true };
      return { record: this.update(def.name, value, body, options), created: false };
    }
    const matches = value === '' ? [] : this.store.lookup(def.name, keyField.name, value);
    if (matches.length > 1) throw new MultipleMatches(def.name, keyField.name, matches);
    if (matches.length === 1) return { record: this.update(def.name, matches[0] as string, body, options), created: false };
    return { record: this.create(def.name, { ...body, [keyField.name]: value }, options), created: true };
  }

  delete(id: string, objectName?: string): void {
    const canonical = canonicalId(id);
    if (!canonical) throw RecordFailure.of('MALFORMED_ID', `malformed id ${id}`);
    const found = this.store.find(canonical);
    if (!found || (objectName && found.objectName.toLowerCase() !== objectName.toLowerCase())) {
      throw RecordFailure.of(objectName ? 'NOT_FOUND' : 'INVALID_CROSS_REFERENCE_KEY', objectName ? messages.notFound : 'invalid cross reference id');
    }
    if (found.record.IsDeleted === true) throw RecordFailure.of('ENTITY_IS_DELETED', messages.entityDeleted);
    if (found.objectName === 'User') throw RecordFailure.of('INVALID_OPERATION', 'delete is not allowed on User');
    // One transaction: the record and everything its delete cascades to commit (and reach change events) together.
    this.store.transaction(() => this.markDeleted(found.objectName, found.record, {}));
  }

  private markDeleted(objectName: string, record: StoredRecord, extra: StoredRecord): void {
    const stamp = this.stamp();
    this.store.put(objectName, { ...record, ...extra, IsDeleted: true, SystemModstamp: stamp, LastModifiedDate: stamp, LastModifiedById: this.apiUserId });
    this.store.logDeletion(objectName, { id: record.Id as string, deletedDate: stamp, at: Date.parse(stamp.replace('+0000', 'Z')) });
    for (const [childObject, childField] of cascades[objectName] ?? []) {
      for (const child of this.liveReferencing(childObject, childField, record.Id as string)) this.markDeleted(childObject, child, {});
    }
  }

  /** Live records of an object whose reference field holds the id (indexed: deletes and merges must not scan). */
  private liveReferencing(objectName: string, fieldName: string, id: string): StoredRecord[] {
    return this.store.lookup(objectName, fieldName, id).flatMap((childId) => {
      const child = this.store.find(childId)?.record;
      return child && child.IsDeleted !== true && child[fieldName] === id ? [child] : [];
    });
  }

  /**
   * Inserts without the API's checks: seeding and the org's own records (the API user, conversion results).
   * Derived fields and timestamps are still set, so seeded data looks like data the API wrote.
   */
  insertTrusted(objectName: string, input: Record<string, unknown>): StoredRecord {
    const def = this.objectOrThrow(objectName);
    const record: StoredRecord = { ...this.blank(def) };
    this.setCreationFields(record, this.stamp());
    const given = new Set<string>();
    for (const [key, value] of Object.entries(input)) {
      const f = fieldOf(def, key);
      if (!f) throw new Error(`${def.name} has no field ${key}`);
      record[f.name] = f.type === 'id' ? value : coerceValue(f, value);
      given.add(f.name);
    }
    record.Id ??= this.ids.next(def.keyPrefix);
    this.derive({ def, mode: 'create', given, record });
    this.store.put(def.name, record);
    return record;
  }

  private setCreationFields(record: StoredRecord, stamp: string): void {
    record.IsDeleted = false;
    record.CreatedDate = stamp;
    record.CreatedById = this.apiUserId;
    record.LastModifiedDate = stamp;
    record.LastModifiedById = this.apiUserId;
    record.SystemModstamp = stamp;
    if ('OwnerId' in record) record.OwnerId = this.apiUserId;
  }

  /** Sets fields on an existing record as the platform does (conversion, merge re-parenting): no API checks. */
  private touch(objectName: string, record: StoredRecord, changes: StoredRecord): StoredRecord {
    const stamp = this.stamp();
    const next = { ...record, ...changes, LastModifiedDate: stamp, LastModifiedById: this.apiUserId, SystemModstamp: stamp };
    this.store.put(objectName, next);
    return next;
  }

  // ---------------------------------------------------------------- the write pipeline

  /** Maps the request's keys onto fields: unknown names refuse the request, read-only ones fail the record. */
  private readInput(def: ObjectDefinition, input: Record<string, unknown>, mode: Mode): { values: Map<string, unknown>; errors: RecordError[] } {
    const values = new Map<string, unknown>();
    const errors: RecordError[] = [];
    const notWritable: string[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes') continue;
      if (key.toLowerCase() === 'id') {
        if (mode === 'create' && raw !== null && raw !== undefined) errors.push({ statusCode: 'INVALID_FIELD', message: 'cannot specify Id in an insert call', fields: ['Id'] });
        continue;
      }
      const f = this.visibleField(def, key);
      if (!f) throw new RequestError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`);
      if (!(mode === 'create' ? f.createable : f.updateable)) {
        notWritable.push(f.name);
        continue;
      }
      values.set(f.name, coerceValue(f, raw));
    }
    if (notWritable.length) {
      errors.push({
        statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: notWritable,
      });
    }
    return { values, errors };
  }

  private finishWrite(context: WriteContext, values: Map<string, unknown>): StoredRecord {
    const { def, record } = context;
    const errors: RecordError[] = [];
    for (const [name, value] of values) {
      const f = fieldOf(def, name) as FieldDefinition;
      const error = value === null ? undefined : this.checkValue(f, value);
      if (error) errors.push(error);
      else record[name] = f.type === 'reference' && typeof value === 'string' ? canonicalId(value) : value;
    }
    if (this.config.stateCountryPicklists) errors.push(...this.applyAddressPicklists(context));
    if (errors.length) throw new RecordFailure(errors);

    this.derive(context);
    const missing = def.fields.filter((f) => f.required && (record[f.name] === null || record[f.name] === undefined)).map((f) => f.name);
    if (def.name === 'Event' && record.DurationInMinutes === null && record.EndDateTime === null) missing.push('DurationInMinutes');
    if (def.name === 'Event' && record.ActivityDateTime === null && record.ActivityDate === null) missing.push('ActivityDateTime');
    if (missing.length) throw RecordFailure.of('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    // Task object reference: a lead has no account yet, so "if the WhoId refers to a lead, the WhatId must be empty".
    if ((def.name === 'Task' || def.name === 'Event') && typeof record.WhoId === 'string' && this.schema.byKeyPrefix(record.WhoId.slice(0, 3))?.name === 'Lead' && record.WhatId) {
      throw RecordFailure.of('FIELD_INTEGRITY_EXCEPTION', 'field integrity exception: WhoId, WhatId', ['WhoId', 'WhatId']);
    }
    if (def.name === 'CampaignMember' && record.LeadId === null && record.ContactId === null) {
      throw RecordFailure.of('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LeadId, ContactId]', ['LeadId', 'ContactId']);
    }

    if (def.name === 'CampaignMember' && context.mode === 'create') {
      const personField = record.ContactId !== null ? 'ContactId' : 'LeadId';
      const already = this.liveReferencing('CampaignMember', personField, record[personField] as string).some((member) => member.CampaignId === record.CampaignId);
      if (already) throw RecordFailure.of('DUPLICATE_VALUE', 'Already a campaign member.', []);
    }
    this.checkValidationRules(context);
    this.checkDuplicateRules(context);
    this.checkUniqueFields(context);
    this.store.put(def.name, record);
    return record;
  }

  private checkValue(f: FieldDefinition, value: unknown): RecordError | undefined {
    if (typeof value === 'string' && f.length > 0 && f.type !== 'reference' && f.type !== 'picklist' && value.length > f.length) {
      return { statusCode: 'STRING_TOO_LONG', message: `${f.label}: data value too large: ${value} (max length=${f.length})`, fields: [f.name] };
    }
    if (f.type === 'email' && typeof value === 'string' && !isValidEmail(value)) {
      return { statusCode: 'INVALID_EMAIL_ADDRESS', message: `${f.label}: invalid email address: ${value}`, fields: [f.name] };
    }
    if (f.type === 'picklist' && f.restrictedPicklist && !f.addressPicklist && !(f.picklistValues ?? []).includes(value as string)) {
      return { statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: `${f.label}: bad value for restricted picklist field: ${String(value)}`, fields: [f.name] };
    }
    if (typeof value === 'number' && !withinPrecision(f, value)) {
      return { statusCode: 'NUMBER_OUTSIDE_VALID_RANGE', message: `${f.label}: value outside of valid range on numeric field: ${value}`, fields: [f.name] };
    }
    if (f.type === 'reference') return this.checkReference(f, String(value));
    return undefined;
  }

  private checkReference(f: FieldDefinition, value: string): RecordError | undefined {
    const canonical = canonicalId(value);
    if (!canonical) return { statusCode: 'MALFORMED_ID', message: `${f.label}: id value of incorrect type: ${value}`, fields: [f.name] };
    const target = this.schema.byKeyPrefix(canonical.slice(0, 3));
    if (!target || !(f.referenceTo ?? []).includes(target.name)) {
      return { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${f.label}: id value of incorrect type: ${value}`, fields: [f.name] };
    }
    const found = this.store.find(canonical);
    if (!found) return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [f.name] };
    if (found.record.IsDeleted === true) return { statusCode: 'ENTITY_IS_DELETED', message: messages.entityDeleted, fields: [f.name] };
    if (target.name === 'User' && f.name === 'OwnerId' && found.record.IsActive === false) {
      return { statusCode: 'INACTIVE_OWNER_OR_USER', message: `operation performed with inactive user [${canonical}] as owner`, fields: [f.name] };
    }
    return undefined;
  }

  /**
   * State and Country/Territory Picklists (Help: "Picklist Field Syncing"): a valid code fills the text field with
   * its integration value and a valid integration value fills the code; anything else is FIELD_INTEGRITY_EXCEPTION.
   * On insert a code wins over disagreeing text; on update the disagreement is refused.
   */
  private applyAddressPicklists(context: WriteContext): RecordError[] {
    const { def, record, given, mode } = context;
    const errors: RecordError[] = [];
    const picklists = addressPicklists();
    for (const prefix of addressPrefixes[def.name] ?? []) {
      const [countryText, countryCode, stateText, stateCode] = ['Country', 'CountryCode', 'State', 'StateCode'].map((suffix) => `${prefix}${suffix}`) as [string, string, string, string];
      const countryProblem = { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: "There's a problem with this country, even though it may appear correct. Please select a country/territory from the list of valid countries.", fields: [countryText] };
      const stateProblem = { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: "There's a problem with this state, even though it may appear correct. Please select a state from the list of valid states.", fields: [stateText] };

      let country: PicklistCountry | undefined;
      if (given.has(countryCode) && record[countryCode] !== null) {
        country = picklists.countryByCode(String(record[countryCode]));
        if (!country) {
          errors.push({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `The ${countryCode} field contains ${String(record[countryCode])}, which isn't an available country/territory.`, fields: [countryCode] });
          continue;
        }
        const text = record[countryText];
        if (mode === 'update' && given.has(countryText) && text !== null && picklists.countryByIntegrationValue(String(text))?.code !== country.code) {
          errors.push(countryProblem);
          continue;
        }
      } else if (given.has(countryText) && record[countryText] !== null) {
        country = picklists.countryByIntegrationValue(String(record[countryText]));
        if (!country) {
          errors.push(countryProblem);
          continue;
        }
      } else if (given.has(countryCode) || given.has(countryText)) {
        record[countryCode] = null;
        record[countryText] = null;
      } else if (record[countryCode] !== null) {
        country = picklists.countryByCode(String(record[countryCode]));
      }
      if (country) {
        record[countryCode] = country.code;
        record[countryText] = country.integrationValue;
      }

      const stateGiven = (given.has(stateCode) && record[stateCode] !== null) || (given.has(stateText) && record[stateText] !== null);
      if (!stateGiven) {
        if (given.has(stateCode) || given.has(stateText)) {
          record[stateCode] = null;
          record[stateText] = null;
        }
        continue;
      }
      if (!country) {
        errors.push({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `A country/territory must be specified before specifying a state value for field: ${fieldOf(def, stateText)?.label ?? stateText}`, fields: [stateText] });
        continue;
      }
      const state = given.has(stateCode) && record[stateCode] !== null
        ? picklists.stateByCode(country, String(record[stateCode]))
        : picklists.stateByIntegrationValue(country, String(record[stateText]));
      if (!state) {
        errors.push(given.has(stateCode) && record[stateCode] !== null
          ? { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `The ${stateCode} field contains ${String(record[stateCode])}, which isn't an available state/province.`, fields: [stateCode] }
          : stateProblem);
        continue;
      }
      record[stateCode] = state.code;
      record[stateText] = state.label;
    }
    return errors;
  }

  /** Fields the platform computes: full names, opportunity stage facts, closed flags, case numbers, event times. */
  private derive({ def, mode, given, record, previous }: WriteContext): void {
    if (def.compoundName) record.Name = [record.FirstName, record.LastName].filter((part) => typeof part === 'string' && part !== '').join(' ') || null;
    switch (def.name) {
      case 'Opportunity': {
        const stage = stageByName.get(String(record.StageName));
        if (stage && (mode === 'create' || given.has('StageName'))) {
          record.IsClosed = stage.closed;
          record.IsWon = stage.won;
          if (!given.has('ForecastCategoryName')) record.ForecastCategoryName = stage.forecast;
          if (!given.has('Probability') && (mode === 'create' || previous?.StageName !== record.StageName)) record.Probability = stage.probability;
        }
        break;
      }
      case 'Case': {
        if (mode === 'create' && record.CaseNumber === null) {
          this.caseNumber += 1;
          record.CaseNumber = String(this.caseNumber).padStart(8, '0');
        }
        const closed = closedStatuses.Case.includes(String(record.Status));
        if (closed && !record.IsClosed) record.ClosedDate = record.SystemModstamp;
        if (!closed) record.ClosedDate = null;
        record.IsClosed = closed;
        break;
      }
      case 'Task': {
        record.TaskSubtype ??= 'Task';
        const closed = closedStatuses.Task.includes(String(record.Status));
        if (closed && !record.IsClosed) record.CompletedDateTime = record.SystemModstamp;
        if (!closed) record.CompletedDateTime = null;
        record.IsClosed = closed;
        break;
      }
      case 'Event': {
        record.EventSubtype ??= 'Event';
        if (given.has('StartDateTime') && !given.has('ActivityDateTime')) record.ActivityDateTime = record.StartDateTime;
        if (given.has('ActivityDateTime') && !given.has('StartDateTime')) record.StartDateTime = record.ActivityDateTime;
        const start = typeof record.StartDateTime === 'string' ? Date.parse(record.StartDateTime.replace('+0000', 'Z')) : undefined;
        if (start !== undefined) {
          record.ActivityDate = formatDate(start);
          if (given.has('EndDateTime') && typeof record.EndDateTime === 'string') {
            record.DurationInMinutes = Math.round((Date.parse(record.EndDateTime.replace('+0000', 'Z')) - start) / 60_000);
          } else if (typeof record.DurationInMinutes === 'number') {
            record.EndDateTime = formatDateTime(start + record.DurationInMinutes * 60_000);
          }
        }
        break;
      }
      case 'CampaignMember': {
        record.HasResponded = record.Status === 'Responded';
        const person = this.store.find(String(record.ContactId ?? record.LeadId))?.record;
        if (person) Object.assign(record, { FirstName: person.FirstName, LastName: person.LastName, Email: person.Email });
        break;
      }
      default:
        break;
    }
  }

  private checkValidationRules({ def, record }: WriteContext): void {
    const errors: RecordError[] = [];
    for (const rule of this.config.validationRules) {
      if (rule.object.toLowerCase() !== def.name.toLowerCase()) continue;
      const f = fieldOf(def, rule.field);
      const value = f ? record[f.name] : undefined;
      const blank = value === null || value === undefined || value === '';
      const fires =
        rule.operator === 'required' ? blank
        : rule.operator === 'equals' ? !blank && String(value) === String(rule.value)
        : !blank && !new RegExp(String(rule.value)).test(String(value));
      if (fires) errors.push({ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: rule.message, fields: f ? [f.name] : [] });
    }
    if (errors.length) throw new RecordFailure(errors);
  }

  /**
   * Duplicate rules on email with the "Block" action. The error carries a DuplicateResult as the REST API
   * renders Datacloud.DuplicateResult (SOAP API "DuplicateError", "DuplicateResult", "MatchResult").
   */
  private checkDuplicateRules({ def, record, previous, options }: WriteContext): void {
    const email = record.Email;
    if (typeof email !== 'string' || (previous && String(previous.Email ?? '').toLowerCase() === email.toLowerCase())) return;
    for (const rule of this.config.duplicateRules) {
      if (rule.object !== def.name) continue;
      const alertOnly = rule.action === 'alert';
      // allowSave bypasses only rules whose action is Allow with an alert (REST "Duplicate Rule Header").
      if (alertOnly && options?.allowSave) continue;
      const matchResults = (rule.matchObjects ?? [rule.object]).map((matchObject) => {
        const ids = this.store.lookup(matchObject, 'Email', email).filter((id) => id !== record.Id);
        return {
          entityType: matchObject,
          errors: [],
          matchEngine: 'ExactMatchEngine',
          matchRecords: ids.map((id) => ({
            additionalInformation: [],
            fieldDiffs: [],
            matchConfidence: 100,
            record: { attributes: { type: matchObject, url: `/services/data/v62.0/sobjects/${matchObject}/${id}` }, Id: id },
          })),
          rule: `Emulator_${matchObject}_Email_Match_Rule`,
          size: ids.length,
          success: true,
        };
      }).filter((result) => result.size > 0);
      if (matchResults.length === 0) continue;
      const message = "You're creating a duplicate record. We recommend you use an existing record instead.";
      throw new RecordFailure([{
        statusCode: 'DUPLICATES_DETECTED',
        message,
        fields: [],
        duplicateResult: {
          allowSave: alertOnly,
          duplicateRule: rule.name ?? `Emulator_${def.name}_Email_Duplicate_Rule`,
          duplicateRuleEntityType: def.name,
          errorMessage: message,
          matchResults,
        },
      }]);
    }
  }

  private checkUniqueFields({ def, record }: WriteContext): void {
    for (const f of def.fields) {
      if (!f.unique || record[f.name] === null) continue;
      const other = this.store.lookup(def.name, f.name, String(record[f.name])).find((id) => id !== record.Id);
      if (other) throw RecordFailure.of('DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${other}`, [f.name]);
    }
  }

  // ---------------------------------------------------------------- lead conversion and merge

  /**
   * Lead conversion as LeadConvert does it: uses or creates the Account and Contact, optionally creates an
   * Opportunity (with the contact as primary contact role), moves the lead's activities and campaign
   * memberships to the contact, and marks the lead converted, after which it is read-only.
   */
  convertLead(input: { leadId: string; accountId?: string; contactId?: string; doNotCreateOpportunity?: boolean; opportunityName?: string; convertedStatus: string }): {
    leadId: string; accountId: string; contactId: string; opportunityId: string | null; success: true; errors: [];
  } {
    return this.store.transaction(() => {
      const { record: lead } = this.findLive(input.leadId, 'Lead');
      if (lead.IsConverted === true) throw RecordFailure.of('INVALID_STATUS', 'ConvertLead failed because the lead has already been converted.');
      if (input.convertedStatus !== convertedLeadStatus || !leadStatuses.includes(input.convertedStatus)) {
        throw RecordFailure.of('INVALID_STATUS', `invalid convertedStatus: ${input.convertedStatus}`);
      }
      const accountId = input.accountId
        ? (this.findLive(input.accountId, 'Account').record.Id as string)
        : (this.insertTrusted('Account', {
            Name: lead.Company, Phone: lead.Phone, Website: lead.Website, Industry: lead.Industry, AnnualRevenue: lead.AnnualRevenue,
            NumberOfEmployees: lead.NumberOfEmployees, BillingStreet: lead.Street, BillingCity: lead.City, BillingState: lead.State,
            BillingPostalCode: lead.PostalCode, BillingCountry: lead.Country, BillingStateCode: lead.StateCode, BillingCountryCode: lead.CountryCode,
            AccountSource: lead.LeadSource, OwnerId: lead.OwnerId,
          }).Id as string);
      let contactId: string;
      if (input.contactId) {
        const { record: contact } = this.findLive(input.contactId, 'Contact');
        if (contact.AccountId !== null && contact.AccountId !== accountId) throw RecordFailure.of('INVALID_CROSS_REFERENCE_KEY', 'The contact is not associated with the account.');
        // An existing contact keeps its values; the lead only fills the blanks.
        const blanks = Object.fromEntries(['Title', 'Email', 'Phone', 'MobilePhone', 'LeadSource', 'Description'].filter((name) => contact[name] === null && lead[name] !== null).map((name) => [name, lead[name]]));
        this.touch('Contact', contact, { ...blanks, AccountId: accountId });
        contactId = contact.Id as string;
      } else {
        contactId = this.insertTrusted('Contact', {
          AccountId: accountId, Salutation: lead.Salutation, FirstName: lead.FirstName, LastName: lead.LastName, Title: lead.Title,
          Email: lead.Email, Phone: lead.Phone, MobilePhone: lead.MobilePhone, Fax: lead.Fax, MailingStreet: lead.Street, MailingCity: lead.City,
          MailingState: lead.State, MailingPostalCode: lead.PostalCode, MailingCountry: lead.Country, MailingStateCode: lead.StateCode,
          MailingCountryCode: lead.CountryCode, LeadSource: lead.LeadSource, Description: lead.Description, HasOptedOutOfEmail: lead.HasOptedOutOfEmail,
          DoNotCall: lead.DoNotCall, OwnerId: lead.OwnerId,
        }).Id as string;
      }
      let opportunityId: string | null = null;
      if (!input.doNotCreateOpportunity) {
        opportunityId = this.insertTrusted('Opportunity', {
          Name: input.opportunityName ?? `${String(lead.Company)}-`, AccountId: accountId, StageName: opportunityStages[0]?.name,
          CloseDate: endOfQuarter(this.now()), LeadSource: lead.LeadSource, OwnerId: lead.OwnerId,
        }).Id as string;
        this.insertTrusted('OpportunityContactRole', { OpportunityId: opportunityId, ContactId: contactId, IsPrimary: true });
      }
      for (const objectName of ['Task', 'Event']) {
        for (const activity of this.liveReferencing(objectName, 'WhoId', lead.Id as string)) {
          this.touch(objectName, activity, { WhoId: contactId, WhatId: activity.WhatId ?? opportunityId ?? accountId });
        }
      }
      for (const member of this.liveReferencing('CampaignMember', 'LeadId', lead.Id as string)) {
        this.insertTrusted('CampaignMember', { CampaignId: member.CampaignId, ContactId: contactId, Status: member.Status });
      }
      this.touch('Lead', lead, {
        IsConverted: true, Status: input.convertedStatus, ConvertedDate: formatDate(this.now()),
        ConvertedAccountId: accountId, ConvertedContactId: contactId, ConvertedOpportunityId: opportunityId,
      });
      return { leadId: lead.Id as string, accountId, contactId, opportunityId, success: true as const, errors: [] as [] };
    });
  }

  /**
   * Undelete as the undelete() call does it (SOAP/Apex): the record leaves the recycle bin with its values, and
   * SystemModstamp and LastModifiedDate move, so a poll on them sees it again; a merged-away record keeps
   * MasterRecordId cleared, and children re-parented by the merge stay with the master. The record drops out of
   * getDeleted, which lists only records still deleted.
   */
  undelete(ids: readonly string[]): Array<{ id: string; success: true; errors: [] }> {
    return this.store.transaction(() =>
      ids.map((id) => {
        const canonical = canonicalId(id);
        if (!canonical) throw RecordFailure.of('MALFORMED_ID', `malformed id ${id}`);
        const found = this.store.find(canonical);
        if (!found) throw RecordFailure.of('INVALID_ID_FIELD', `invalid record id ${id}`);
        if (found.record.IsDeleted !== true) throw RecordFailure.of('UNDELETE_FAILED', 'Entity is not in the recycle bin');
        this.touch(found.objectName, found.record, { IsDeleted: false, ...('MasterRecordId' in found.record ? { MasterRecordId: null } : {}) });
        this.store.forgetDeletion(found.objectName, canonical);
        return { id: canonical, success: true as const, errors: [] as [] };
      }),
    );
  }

  /**
   * Merge as the merge() call does it: up to two records merge into the master; every record pointing at a
   * merged record is re-parented to the master; the merged records are deleted with MasterRecordId set.
   */
  merge(input: { masterRecordId: string; recordIdsToMerge: string[] }): { id: string; mergedRecordIds: string[]; updatedRelatedIds: string[]; success: true; errors: [] } {
    return this.store.transaction(() => {
      const { def, record: master } = this.findLive(input.masterRecordId);
      if (!mergeableObjects.includes(def.name)) throw RecordFailure.of('INVALID_TYPE', `Cannot merge records of type ${def.name}`);
      if (input.recordIdsToMerge.length < 1 || input.recordIdsToMerge.length > 2) {
        throw RecordFailure.of('INVALID_ARGUMENT', 'A merge request can merge 1 or 2 records into the master record.');
      }
      const losers = input.recordIdsToMerge.map((id) => {
        const found = this.findLive(id);
        if (found.def.name !== def.name) throw RecordFailure.of('INVALID_TYPE', `Cannot merge a ${found.def.name} into a ${def.name}`);
        if (found.record.Id === master.Id) throw RecordFailure.of('INVALID_ARGUMENT', 'The master record cannot also be merged into itself.');
        return found.record;
      });
      const loserIds = new Set(losers.map((loser) => loser.Id as string));
      const updatedRelatedIds: string[] = [];
      for (const other of this.schema.all()) {
        const references = other.fields.filter((f) => f.type === 'reference' && f.name !== 'MasterRecordId' && (f.referenceTo ?? []).includes(def.name));
        if (references.length === 0) continue;
        const children = new Set(references.flatMap((f) => [...loserIds].flatMap((loserId) => this.liveReferencing(other.name, f.name, loserId).map((child) => child.Id as string))));
        for (const childId of children) {
          const child = this.store.find(childId)?.record as StoredRecord;
          const changes: StoredRecord = {};
          for (const f of references) if (loserIds.has(child[f.name] as string)) changes[f.name] = master.Id;
          this.touch(other.name, child, changes);
          updatedRelatedIds.push(childId);
        }
      }
      for (const loser of losers) this.markDeleted(def.name, this.store.find(loser.Id as string)?.record ?? loser, { MasterRecordId: master.Id });
      this.touch(def.name, this.store.find(master.Id as string)?.record ?? master, {});
      return { id: master.Id as string, mergedRecordIds: [...loserIds], updatedRelatedIds, success: true as const, errors: [] as [] };
    });
  }
}

/** int is a 32-bit integer; currency, percent and double hold `precision` digits, `scale` of them after the point. */
function withinPrecision(f: FieldDefinition, value: number): boolean {
  if (f.type === 'int') return value >= -2_147_483_648 && value <= 2_147_483_647;
  if (f.precision === undefined) return true;
  return Math.abs(value) < 10 ** (f.precision - (f.scale ?? 0));
}

function endOfQuarter(ms: number): string {
  const date = new Date(ms);
  const quarterEndMonth = Math.floor(date.getUTCMonth() / 3) * 3 + 3;
  return formatDate(Date.UTC(date.getUTCFullYear(), quarterEndMonth, 0));
}
