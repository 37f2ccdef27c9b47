import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mappingsForSalesforceObject, type TypedFieldMapping } from '../../../src/core/mapping/model.ts';
import { hubspotWriteProperties, readHubspotRecord, readSalesforceRecord, salesforceWritePayload } from '../../../src/core/mapping/record.ts';

const mapping = (hubspotProperty: string, salesforceField: string, value: TypedFieldMapping['value'], salesforceFieldOn?: Record<string, string | null>): TypedFieldMapping => ({
  hubspotProperty,
  salesforceField,
  rule: 'prefer_salesforce_unless_blank',
  isDefault: true,
  value,
  ...(salesforceFieldOn ? { salesforceFieldOn } : {}),
});
const contactMappings: TypedFieldMapping[] = [
  mapping('firstname', 'FirstName', { kind: 'text', salesforceType: 'string' }),
  mapping('annualrevenue', 'AnnualRevenue', { kind: 'number', salesforceType: 'currency' }, { Contact: null }),
  mapping('state', 'State', { kind: 'text', salesforceType: 'string', meaning: 'state' }, { Contact: 'MailingState' }),
  mapping('country', 'Country', { kind: 'text', salesforceType: 'string', meaning: 'country' }, { Contact: 'MailingCountry' }),
  mapping('hs_last_meeting', 'Last_Meeting__c', { kind: 'datetime', salesforceType: 'datetime' }),
  mapping('hubspot_owner_id', 'OwnerId', { kind: 'choice', salesforceType: 'reference', meaning: 'owner' }),
];
const onContact = mappingsForSalesforceObject(contactMappings, 'Contact');
const onLead = mappingsForSalesforceObject(contactMappings, 'Lead');
const picklists = { salesforcePicklists: 'enabled', stateCountryMode: 'match_salesforce_defaults' } as const;
const owners = { salesforceUserIdByHubspotOwnerId: new Map([['7', '005X']]), hubspotOwnerIdBySalesforceUserId: new Map([['005X', '7']]) };

describe('readHubspotRecord', () => {
  it('reads canonical values and matches state and country together', () => {
    const reading = readHubspotRecord({ firstname: 'Ada', state: 'Calif.', country: 'USA', hs_last_meeting: '2026-01-31T13:00:00+01:00', hubspot_owner_id: '7' }, onContact, picklists, { owners });
    expect(Object.fromEntries(reading.values)).toEqual({
      firstname: 'Ada',
      state: 'California',
      country: 'United States',
      hs_last_meeting: '2026-01-31T12:00:00.000+0000',
      hubspot_owner_id: '005X',
    });
    expect(Object.fromEntries(reading.picklistCodes)).toEqual({ state: 'CA', country: 'US' });
    expect(reading.errors).toEqual([]);
  });

  it('leaves out what it cannot read and says why, so nothing is blanked by mistake', () => {
    const reading = readHubspotRecord({ firstname: 'Ada', annualrevenue: 'lots', state: 'Narnia', country: 'US' }, onLead, picklists, { owners });
    expect([...reading.values.keys()]).toEqual(['firstname', 'hs_last_meeting', 'hubspot_owner_id']);
    expect(reading.errors.map((error) => [error.category, error.field, error.value])).toEqual([
      ['property_value', 'annualrevenue', 'lots'],
      ['property_value', 'state', 'Narnia'],
    ]);
    expect(reading.errors.find((error) => error.field === 'state')?.message).toMatch(/"Narnia"/);
  });
});

describe('salesforceWritePayload', () => {
  it('writes matched states and countries as picklist codes, on the object’s own field names', () => {
    const reading = readHubspotRecord({ state: 'Ont.', country: 'Canada' }, onContact, picklists);
    const payload = salesforceWritePayload(onContact, new Map([...reading.values].filter(([key]) => key === 'state' || key === 'country')), reading);
    expect(payload).toEqual({ MailingStateCode: 'ON', MailingCountryCode: 'CA' });
  });
  it('writes text when picklists are disabled, and only the fields asked for', () => {
    const reading = readHubspotRecord({ firstname: 'Ada', state: 'Ont.', country: 'Canada' }, onLead, { ...picklists, salesforcePicklists: 'disabled' });
    expect(salesforceWritePayload(onLead, new Map([['state', reading.values.get('state')!]]), reading)).toEqual({ State: 'Ontario' });
  });
});

describe('Salesforce reading and HubSpot writing', () => {
  it('normalises Salesforce values so equal values compare equal', () => {
    const reading = readSalesforceRecord({ FirstName: '', AnnualRevenue: '1200.5', State: 'California', Last_Meeting__c: '2026-01-31T07:00:00.000-0500', OwnerId: '005X' }, onLead);
    expect(Object.fromEntries(reading.values)).toEqual({ firstname: null, annualrevenue: 1200.5, state: 'California', country: null, hs_last_meeting: '2026-01-31T12:00:00.000+0000', hubspot_owner_id: '005X' });
  });
  it('names the Salesforce field of a value it cannot read', () => {
    const reading = readSalesforceRecord({ Last_Meeting__c: '2026-01-31T07:00:00' }, onLead);
    expect(reading.errors[0]).toMatchObject({ category: 'property_value', field: 'Last_Meeting__c', message: expect.stringMatching(/^Lead\.Last_Meeting__c: .*no time zone/) });
  });
  it('turns canonical writes into HubSpot strings', () => {
    const written = hubspotWriteProperties(onLead, new Map<string, string | number | null>([['firstname', null], ['annualrevenue', 1200.5], ['hubspot_owner_id', '005X']]), { owners });
    expect(written).toEqual({ properties: { firstname: '', annualrevenue: '1200.5', hubspot_owner_id: '7' }, errors: [] });
  });
  it('property: a Salesforce record written to HubSpot reads back to the same canonical values', () => {
    const record = fc.record({
      FirstName: fc.option(fc.string({ minLength: 1 }).filter((text) => text.trim() !== ''), { nil: null }),
      AnnualRevenue: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
      Last_Meeting__c: fc.option(
        fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((date) => date.toISOString().replace('Z', '+0000')),
        { nil: null },
      ),
      OwnerId: fc.constant('005X'),
    });
    const plain = onLead.filter((entry) => entry.value.meaning !== 'state' && entry.value.meaning !== 'country');
    fc.assert(
      fc.property(record, (fields) => {
        const fromSalesforce = readSalesforceRecord(fields, plain);
        const written = hubspotWriteProperties(plain, fromSalesforce.values, { owners });
        const back = readHubspotRecord(written.properties, plain, picklists, { owners });
        expect(Object.fromEntries(back.values)).toEqual(Object.fromEntries(fromSalesforce.values));
      }),
    );
  });
});
