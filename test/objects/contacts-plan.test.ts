import { describe, expect, it } from 'vitest';
import { planContactSync, type ContactSyncInput } from '../../src/core/plan.ts';
import { defaultSettings } from '../../src/core/settings.ts';
import { contactsDescription } from '../../src/objects/contacts.ts';

/** The contacts description drives the planner as the engine will use it: mappings and pair facts from one place. */
function planWith(partial: Partial<ContactSyncInput>) {
  const settings = defaultSettings();
  return planContactSync({
    now: 1,
    settings,
    mappings: contactsDescription.defaultMappings,
    pair: contactsDescription,
    hubspotChanges: [],
    salesforceChanges: [],
    links: [],
    lastSynced: new Map(),
    ...partial,
  });
}

const ada = {
  id: '101',
  properties: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines', address: '12 St James Sq', city: 'London', country: 'UK', annualrevenue: '1200000.50' },
  createdAt: 1,
  modifiedAt: 2,
};

describe('contacts description through the planner', () => {
  it('a HubSpot contact becomes a Lead with the Lead field names and a normalised country', () => {
    const [create] = planWith({ hubspotChanges: [ada] }).salesforceCreates;
    expect(create?.fields).toEqual({
      Email: 'ada@example.com',
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Company: 'Analytical Engines',
      Street: '12 St James Sq',
      City: 'London',
      Country: 'United Kingdom',
      AnnualRevenue: 1200000.5,
    });
  });

  it('as a Contact, the address goes to the Mailing… fields and Lead-only fields stay out', () => {
    const settings = defaultSettings();
    const [create] = planWith({ settings: { ...settings, contacts: { ...settings.contacts, hubspotCreatesIn: 'contact' } }, hubspotChanges: [ada] }).salesforceCreates;
    expect(create?.object).toBe('Contact');
    expect(create?.fields).toEqual({ Email: 'ada@example.com', FirstName: 'Ada', LastName: 'Lovelace', MailingStreet: '12 St James Sq', MailingCity: 'London', MailingCountry: 'United Kingdom' });
  });

  it('a Salesforce Lead with the "[not provided]" company placeholder does not put it into HubSpot', () => {
    const [create] = planWith({
      salesforceChanges: [{ object: 'Lead', id: '00Q1', fields: { Email: 'x@example.com', LastName: 'X', Company: '[not provided]', Status: 'Open - Not Contacted' }, createdAt: 1, modifiedAt: 2 }],
    }).hubspotCreates;
    // The Lead's default status reaches HubSpot as HubSpot's own counterpart, not a value it would refuse.
    expect(create?.properties).toEqual({ email: 'x@example.com', lastname: 'X', hs_lead_status: 'NEW', salesforceleadid: '00Q1' });
  });
});
