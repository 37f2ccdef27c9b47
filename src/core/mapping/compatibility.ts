/**
 * Which HubSpot property types may map to which Salesforce field types (SPEC section 6, after HubSpot's
 * "map HubSpot properties to Salesforce fields" table), and the value shape a compatible pair converts with.
 *
 * Contract: `checkTypeCompatibility(property, field)` returns `{ ok: true, value }` or `{ ok: false, reason }`,
 * the reason a sentence naming both sides and what the HubSpot type may map to. Salesforce currency, percent,
 * phone, email and url are not in HubSpot's table; they are taken as number and text, which is what they hold.
 * `allowedSyncRules` / `syncRuleRefusal` say which rules a pair can honour (a formula field can only feed HubSpot).
 */
import { fieldSyncRules, type FieldSyncRule, type HubSpotPropertyDescription, type PicklistChoices, type SalesforceFieldDescription, type SalesforceFieldType, type ValueKind, type ValueShape } from './model.ts';

export type CompatibilityResult = { ok: true; value: ValueShape } | { ok: false; reason: string };

interface HubSpotTypeRule {
  /** How HubSpot's UI names the type, so the reason reads as the admin saw it. */
  label: string;
  kind: ValueKind;
  salesforceTypes: readonly SalesforceFieldType[];
}

const numberTypes: readonly SalesforceFieldType[] = ['double', 'int', 'long', 'currency', 'percent'];
const singleLineTargets: readonly SalesforceFieldType[] = ['string', 'email', 'phone', 'url', 'textarea'];
const dateTargets: readonly SalesforceFieldType[] = ['date', 'datetime'];

function hubspotTypeRule(property: HubSpotPropertyDescription): HubSpotTypeRule | undefined {
  const { type, fieldType } = property;
  if (type === 'enumeration') {
    if (fieldType === 'select' || fieldType === 'radio') return { label: 'dropdown select / radio select', kind: 'choice', salesforceTypes: ['picklist', 'reference'] };
    if (fieldType === 'checkbox') return { label: 'multiple checkboxes', kind: 'multi_choice', salesforceTypes: ['multipicklist'] };
    if (fieldType === 'booleancheckbox') return { label: 'single checkbox', kind: 'boolean', salesforceTypes: ['boolean'] };
    return undefined;
  }
  if (type === 'bool') return { label: 'single checkbox', kind: 'boolean', salesforceTypes: ['boolean'] };
  if (type === 'number') return { label: 'number', kind: 'number', salesforceTypes: numberTypes };
  if (type === 'phone_number') return { label: 'phone number', kind: 'text', salesforceTypes: singleLineTargets };
  if (type === 'string') {
    if (fieldType === 'textarea') return { label: 'multi-line text', kind: 'text', salesforceTypes: ['textarea'] };
    if (fieldType === 'text' || fieldType === 'phonenumber') return { label: 'single-line text', kind: 'text', salesforceTypes: singleLineTargets };
    return undefined;
  }
  if (type === 'date') return { label: 'date picker', kind: 'date', salesforceTypes: dateTargets };
  if (type === 'datetime') return { label: 'date and time', kind: 'datetime', salesforceTypes: dateTargets };
  return undefined;
}

export function checkTypeCompatibility(property: HubSpotPropertyDescription, field: SalesforceFieldDescription): CompatibilityResult {
  const rule = hubspotTypeRule(property);
  const pair = `HubSpot property ${property.name} (${property.type}/${property.fieldType}) and Salesforce field ${field.name} (${field.type})`;
  if (!rule) return { ok: false, reason: `${pair} cannot be mapped: HubSpot properties of type ${property.type} with field type ${property.fieldType} are not syncable` };
  if (!rule.salesforceTypes.includes(field.type)) {
    return { ok: false, reason: `${pair} cannot be mapped: a ${rule.label} property maps only to Salesforce ${listed(rule.salesforceTypes)} fields` };
  }
  const value: ValueShape = { kind: rule.kind, salesforceType: field.type };
  // Owner ids differ between the systems; they are translated through users' emails, never copied.
  if (field.type === 'reference' && field.referenceTo?.includes('User')) value.meaning = 'owner';
  if (rule.kind === 'text' && field.length !== undefined && field.length > 0) value.maxLength = field.length;
  const choices = liveChoices(property, field);
  if (choices) value.choices = choices;
  return { ok: true, value };
}

/** The values each side accepts, when the metadata lists them: picklists are matched value by value. */
export function liveChoices(property: Pick<HubSpotPropertyDescription, 'options'>, field: Pick<SalesforceFieldDescription, 'type' | 'picklistValues' | 'restrictedPicklist'>): PicklistChoices | undefined {
  const choices: PicklistChoices = {};
  if ((field.type === 'picklist' || field.type === 'multipicklist') && field.picklistValues) {
    choices.salesforce = { values: field.picklistValues, restricted: field.restrictedPicklist === true };
  }
  if (property.options && property.options.length > 0) choices.hubspot = property.options;
  return choices.salesforce || choices.hubspot ? choices : undefined;
}

function listed(types: readonly string[]): string {
  return types.length === 1 ? types[0]! : `${types.slice(0, -1).join(', ')} or ${types.at(-1)!}`;
}

/** Rules that never write into Salesforce / into HubSpot (the tests of src/core/rules/conflict.ts hold decideField to them). */
const neverWritesSalesforce: readonly FieldSyncRule[] = ['always_use_salesforce', 'dont_sync'];
const neverWritesHubspot: readonly FieldSyncRule[] = ['always_use_hubspot', 'dont_sync'];

/**
 * The sync rules a pair can honour. A Salesforce field that is not updateable (formula, roll-up, system field)
 * can only feed HubSpot; a HubSpot property whose value HubSpot calculates can only feed Salesforce; an owner
 * mapping is two-way. Offering another rule would promise writes that can only fail.
 */
export function allowedSyncRules(property: HubSpotPropertyDescription, field: SalesforceFieldDescription): FieldSyncRule[] {
  const compatibility = checkTypeCompatibility(property, field);
  if (compatibility.ok && compatibility.value.meaning === 'owner') return ['two_way'];
  return fieldSyncRules.filter(
    (rule) => (field.updateable !== false || neverWritesSalesforce.includes(rule)) && (!property.readOnlyValue || neverWritesHubspot.includes(rule)),
  );
}

/** Why `rule` cannot be used for the pair, or undefined when it can. */
export function syncRuleRefusal(property: HubSpotPropertyDescription, field: SalesforceFieldDescription, rule: FieldSyncRule): string | undefined {
  const allowed = allowedSyncRules(property, field);
  if (allowed.includes(rule)) return undefined;
  const because =
    field.updateable === false && !neverWritesSalesforce.includes(rule)
      ? `Salesforce field ${field.name} cannot be written (formula or system field)`
      : property.readOnlyValue && !neverWritesHubspot.includes(rule)
        ? `HubSpot property ${property.name} is calculated by HubSpot and cannot be written`
        : 'the owner mapping is always two_way';
  return `sync rule ${rule} cannot be used for ${property.name} ↔ ${field.name}: ${because}; allowed: ${allowed.join(', ')}`;
}
