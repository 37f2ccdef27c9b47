/**
 * Whole-record conversion for the planner: one HubSpot record or one Salesforce record read into canonical values
 * (src/core/mapping/convert.ts) per mapping, and the canonical values to write turned back into each vendor's
 * payload.
 *
 * Contract:
 * - `readHubspotRecord(properties, mappings, settings, context)` → canonical values keyed by HubSpot property,
 *   plus the picklist codes to write for state/country, plus per-field errors. State and country are matched
 *   together (a state is only meaningful within its country) per `contacts.salesforcePicklists` and
 *   `contacts.stateCountryMode`. A field that could not be read is ABSENT from `values` and present in `errors`:
 *   the caller decides nothing for it (treating it as blank would wipe the other side).
 * - `readSalesforceRecord(fields, mappings)` → canonical values keyed by HubSpot property, errors likewise.
 *   Salesforce values are normalised ('' is blank, datetimes in one UTC spelling) so equal values compare equal.
 * - `salesforceWritePayload(mappings, writes, reading)` → the sObject fields to send: a matched state or country
 *   goes into its `…Code` field (State → StateCode, MailingCountry → MailingCountryCode) when picklists are on.
 * - `hubspotWriteProperties(mappings, writes, context)` → HubSpot property strings ('' clears), errors likewise.
 * `mappings` are resolved for one Salesforce object (`mappingsForSalesforceObject`).
 */
import type { CoreSyncError } from '../sync-error.ts';
import type { ContactsSettings } from '../settings.ts';
import { convertAddressForSalesforce } from './address.ts';
import { hubspotToSalesforce, parseInstant, salesforceDateTime, salesforceToHubspot, type ConversionContext, type SalesforceValue } from './convert.ts';
import type { ResolvedFieldMapping } from './model.ts';

/** A field of one record that cannot convert: a `property_value` sync error naming the value. */
export interface RecordFieldError extends CoreSyncError {
  field: string;
  value: unknown;
  reason?: 'unknown_owner';
}

export interface HubspotRecordReading {
  /** Canonical value per HubSpot property; absent when it could not be read. */
  values: Map<string, SalesforceValue>;
  /** HubSpot property → the picklist code to write into `<field>Code` instead of the text (null clears it). */
  picklistCodes: Map<string, string | null>;
  errors: RecordFieldError[];
}

export interface SalesforceRecordReading {
  values: Map<string, SalesforceValue>;
  errors: RecordFieldError[];
}

type AddressSettings = Pick<ContactsSettings, 'salesforcePicklists' | 'stateCountryMode'>;
type HubspotProperties = Readonly<Record<string, string | null | undefined>>;

export function readHubspotRecord(properties: HubspotProperties, mappings: readonly ResolvedFieldMapping[], settings: AddressSettings, context: ConversionContext = {}): HubspotRecordReading {
  const reading: HubspotRecordReading = { values: new Map(), picklistCodes: new Map(), errors: [] };
  for (const mapping of mappings) {
    if (mapping.value.meaning === 'state' || mapping.value.meaning === 'country') continue;
    const raw = properties[mapping.hubspotProperty];
    const converted = hubspotToSalesforce(raw, mapping.value, context);
    if (converted.ok) reading.values.set(mapping.hubspotProperty, converted.value);
    else reading.errors.push({ category: 'property_value', field: mapping.hubspotProperty, value: raw, message: `${mapping.hubspotProperty}: ${converted.error.message}`, ...(converted.error.reason ? { reason: converted.error.reason } : {}) });
  }
  readAddress(properties, mappings, settings, reading);
  return reading;
}

function readAddress(properties: HubspotProperties, mappings: readonly ResolvedFieldMapping[], settings: AddressSettings, reading: HubspotRecordReading): void {
  const stateMapping = mappings.find((mapping) => mapping.value.meaning === 'state');
  const countryMapping = mappings.find((mapping) => mapping.value.meaning === 'country');
  if (!stateMapping && !countryMapping) return;
  const state = stateMapping ? properties[stateMapping.hubspotProperty] : null;
  const country = countryMapping ? properties[countryMapping.hubspotProperty] : null;
  const converted = convertAddressForSalesforce({ state, country }, settings, { state: stateMapping?.hubspotProperty ?? 'state', country: countryMapping?.hubspotProperty ?? 'country' });
  if (!converted.ok) {
    for (const error of converted.errors) reading.errors.push({ ...error, field: error.field ?? '', value: error.field === stateMapping?.hubspotProperty ? state : country });
    // The partner of a failed value is still readable only if it failed alone; keep it simple and safe: neither.
    return;
  }
  for (const [mapping, value] of [
    [stateMapping, converted.state],
    [countryMapping, converted.country],
  ] as const) {
    if (!mapping) continue;
    reading.values.set(mapping.hubspotProperty, value.canonical);
    if (value.write.into === 'code') reading.picklistCodes.set(mapping.hubspotProperty, value.write.value);
  }
}

export function readSalesforceRecord(fields: Readonly<Record<string, unknown>>, mappings: readonly ResolvedFieldMapping[]): SalesforceRecordReading {
  const reading: SalesforceRecordReading = { values: new Map(), errors: [] };
  for (const mapping of mappings) {
    const raw = fields[mapping.salesforceField];
    const normalised = normaliseSalesforceValue(raw, mapping);
    if (normalised.ok) reading.values.set(mapping.hubspotProperty, normalised.value);
    else reading.errors.push({ category: 'property_value', field: mapping.salesforceField, value: raw, message: `${mapping.salesforceObject}.${mapping.salesforceField}: ${normalised.message}` });
  }
  return reading;
}

function normaliseSalesforceValue(raw: unknown, mapping: ResolvedFieldMapping): { ok: true; value: SalesforceValue } | { ok: false; message: string } {
  const { kind, salesforceType } = mapping.value;
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: kind === 'boolean' ? false : null };
  if (kind === 'boolean') return typeof raw === 'boolean' ? { ok: true, value: raw } : { ok: false, message: `${JSON.stringify(raw)} is not a checkbox value` };
  if (kind === 'number') {
    const number = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
    // -0 is 0 to both vendors; keeping the sign would make stored values differ from what comes back.
    return Number.isFinite(number) ? { ok: true, value: number === 0 ? 0 : number } : { ok: false, message: `${JSON.stringify(raw)} is not a number` };
  }
  if (typeof raw !== 'string') return { ok: false, message: `${JSON.stringify(raw)} is not text` };
  if (salesforceType === 'datetime') {
    const instant = parseInstant(raw, 'Salesforce datetime');
    return instant.ok ? { ok: true, value: salesforceDateTime(instant.value) } : { ok: false, message: instant.error.message };
  }
  return { ok: true, value: raw };
}

export function salesforceWritePayload(
  mappings: readonly ResolvedFieldMapping[],
  writes: ReadonlyMap<string, SalesforceValue>,
  reading?: Pick<HubspotRecordReading, 'picklistCodes' | 'values'>,
): Record<string, SalesforceValue> {
  const payload: Record<string, SalesforceValue> = {};
  for (const mapping of mappings) {
    if (!writes.has(mapping.hubspotProperty)) continue;
    const value = writes.get(mapping.hubspotProperty)!;
    const code = reading?.picklistCodes.get(mapping.hubspotProperty);
    // The code belongs to HubSpot's value; a write of anything else (never expected) goes as text.
    if (code !== undefined && reading?.values.get(mapping.hubspotProperty) === value) payload[`${mapping.salesforceField}Code`] = code;
    else payload[mapping.salesforceField] = value;
  }
  return payload;
}

export function hubspotWriteProperties(
  mappings: readonly ResolvedFieldMapping[],
  writes: ReadonlyMap<string, SalesforceValue>,
  context: ConversionContext = {},
): { properties: Record<string, string>; errors: RecordFieldError[] } {
  const properties: Record<string, string> = {};
  const errors: RecordFieldError[] = [];
  for (const mapping of mappings) {
    if (!writes.has(mapping.hubspotProperty)) continue;
    const value = writes.get(mapping.hubspotProperty)!;
    const converted = salesforceToHubspot(value, mapping.value, context);
    if (converted.ok) properties[mapping.hubspotProperty] = converted.value;
    else errors.push({ category: 'property_value', field: mapping.hubspotProperty, value, message: `${mapping.hubspotProperty}: ${converted.error.message}`, ...(converted.error.reason ? { reason: converted.error.reason } : {}) });
  }
  return { properties, errors };
}
