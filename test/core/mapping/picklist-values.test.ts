import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hubspotToSalesforce, salesforceToHubspot, sameSyncedValue } from '../../../src/core/mapping/convert.ts';
import type { ValueShape } from '../../../src/core/mapping/model.ts';
import { choiceToHubspot, choiceToSalesforce, dealTypeValues, industryValues, leadStatusValues, picklistKey, ticketPriorityValues, ticketSourceValues } from '../../../src/core/mapping/picklist-values.ts';

const salesforceLeadStatuses = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'];
const hubspotLeadStatuses = ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING'];
const leadStatus: ValueShape = {
  kind: 'choice',
  salesforceType: 'picklist',
  choices: { valueMap: leadStatusValues, salesforce: { values: salesforceLeadStatuses, restricted: true }, hubspot: hubspotLeadStatuses },
};

describe('picklist value maps', () => {
  it.each([
    ['lead status', leadStatusValues],
    ['industry', industryValues],
    ['ticket priority', ticketPriorityValues],
    ['deal type', dealTypeValues],
    ['ticket source', ticketSourceValues],
  ])('%s: a Salesforce value written to HubSpot reads back as itself (no bounce)', (_name, map) => {
    for (const [salesforceKey, hubspotValue] of Object.entries(map.toHubspot)) {
      const back = map.toSalesforce[picklistKey(hubspotValue)];
      expect(back === undefined ? undefined : picklistKey(back)).toBe(salesforceKey);
    }
  });

  it('translates every default HubSpot lead status to a Salesforce default, and back to a HubSpot option', () => {
    for (const value of hubspotLeadStatuses) {
      const salesforce = choiceToSalesforce(value, leadStatus.choices);
      expect(salesforce.ok && salesforceLeadStatuses.includes(salesforce.value)).toBe(true);
    }
    for (const value of salesforceLeadStatuses) {
      const hubspot = choiceToHubspot(value, leadStatus.choices);
      expect(hubspot.ok && hubspotLeadStatuses.includes(hubspot.value)).toBe(true);
    }
  });

  it('pairs the vendors\' default deal types and ticket sources, and leaves the ones with no standard pair refused', () => {
    const types = { valueMap: dealTypeValues, salesforce: { values: ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer'], restricted: true }, hubspot: ['newbusiness', 'existingbusiness'] };
    expect(choiceToHubspot('New Customer', types)).toEqual({ ok: true, value: 'newbusiness' });
    expect(choiceToHubspot('Existing Customer - Upgrade', types)).toEqual({ ok: true, value: 'existingbusiness' });
    expect(choiceToSalesforce('existingbusiness', types)).toEqual({ ok: true, value: 'Existing Customer - Upgrade' });
    expect(choiceToHubspot('Existing Customer - Downgrade', types).ok).toBe(false);
    const sources = { valueMap: ticketSourceValues, salesforce: { values: ['Email', 'Phone', 'Web'], restricted: true }, hubspot: ['CHAT', 'EMAIL', 'FORM', 'PHONE'] };
    expect(choiceToHubspot('Web', sources)).toEqual({ ok: true, value: 'FORM' });
    expect(choiceToHubspot('Phone', sources)).toEqual({ ok: true, value: 'PHONE' });
    expect(choiceToSalesforce('FORM', sources)).toEqual({ ok: true, value: 'Web' });
    expect(choiceToSalesforce('CHAT', sources).ok).toBe(false);
  });

  it('keeps values both sides hold as they are, in the receiving side’s spelling', () => {
    const aligned = { salesforce: { values: ['Hot', 'Cold'], restricted: true }, hubspot: ['hot', 'cold'] };
    expect(choiceToSalesforce('hot', aligned)).toEqual({ ok: true, value: 'Hot' });
    expect(choiceToHubspot('Cold', aligned)).toEqual({ ok: true, value: 'cold' });
  });

  it('refuses a value with no counterpart in a closed list, naming it; an open picklist takes it as it is', () => {
    const restricted = choiceToSalesforce('WARM_LEAD', leadStatus.choices);
    expect(restricted).toEqual({ ok: false, message: expect.stringContaining('"WARM_LEAD" has no counterpart in the Salesforce picklist (Open - Not Contacted') });
    expect(choiceToHubspot('Nurturing', leadStatus.choices)).toEqual({ ok: false, message: expect.stringContaining('"Nurturing" has no counterpart among the HubSpot property') });
    expect(choiceToSalesforce('Space Mining', { valueMap: industryValues, salesforce: { values: ['Technology'], restricted: false } })).toEqual({ ok: true, value: 'Space Mining' });
  });

  it('without live lists, sends the standard counterpart or the value itself', () => {
    expect(choiceToSalesforce('connected', { valueMap: leadStatusValues })).toEqual({ ok: true, value: 'Working - Contacted' });
    expect(choiceToSalesforce('Custom', { valueMap: leadStatusValues })).toEqual({ ok: true, value: 'Custom' });
    expect(choiceToHubspot('Working - Contacted', { valueMap: leadStatusValues })).toEqual({ ok: true, value: 'IN_PROGRESS' });
  });

  it('matches HubSpot industry names typed as text to Salesforce’s Industry picklist', () => {
    const industry: ValueShape = { kind: 'text', salesforceType: 'picklist', choices: { valueMap: industryValues, salesforce: { values: ['Technology', 'Retail', 'Other'], restricted: true } } };
    expect(hubspotToSalesforce('Computer Software', industry)).toEqual({ ok: true, value: 'Technology' });
    expect(hubspotToSalesforce('retail', industry)).toEqual({ ok: true, value: 'Retail' });
    const refused = hubspotToSalesforce('Space Mining', industry);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toMatchObject({ category: 'property_value', value: 'Space Mining' });
    // HubSpot's contact industry is free text: a Salesforce value goes as it is, untranslated.
    expect(salesforceToHubspot('Technology', industry)).toEqual({ ok: true, value: 'Technology' });
  });

  it('is echo-free: any HubSpot lead status, converted and written back, compares equal to itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...hubspotLeadStatuses), (value) => {
        const canonical = hubspotToSalesforce(value, leadStatus);
        if (!canonical.ok) return false;
        const written = salesforceToHubspot(canonical.value, leadStatus);
        if (!written.ok) return false;
        const again = hubspotToSalesforce(written.value, leadStatus);
        return again.ok && sameSyncedValue(again.value, canonical.value, leadStatus);
      }),
    );
  });

  it('a closed map refuses a value without counterpart even where the Salesforce picklist is open (ticket URGENT)', () => {
    const open = { valueMap: ticketPriorityValues, salesforce: { values: ['High', 'Medium', 'Low'], restricted: false }, hubspot: ['LOW', 'MEDIUM', 'HIGH', 'URGENT'] };
    expect(choiceToSalesforce('HIGH', open)).toEqual({ ok: true, value: 'High' });
    expect(choiceToSalesforce('URGENT', open)).toEqual({ ok: false, message: expect.stringContaining('"URGENT" has no counterpart in the Salesforce picklist (High, Medium, Low)') });
    expect(choiceToSalesforce('URGENT', { valueMap: ticketPriorityValues })).toMatchObject({ ok: false });
    // An admin who adds the value on the Salesforce side is matched by its label.
    expect(choiceToSalesforce('URGENT', { ...open, salesforce: { values: ['Urgent', 'High'], restricted: false } })).toEqual({ ok: true, value: 'Urgent' });
    expect(choiceToHubspot('Critical', { valueMap: ticketPriorityValues })).toMatchObject({ ok: false });
    expect(choiceToHubspot('Low', { valueMap: ticketPriorityValues })).toEqual({ ok: true, value: 'LOW' });
  });
});
