import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { afterPartnerDeleted, linkChangeForHubspotMerge, linkChangeForSalesforceFate, type ContactLink } from '../../../src/core/rules/links.ts';

const lead: ContactLink = { hubspotId: 'h1', salesforceObject: 'Lead', salesforceId: '00Q1' };
const keep = { onSalesforceDelete: 'do_nothing' } as const;

describe('lead conversion', () => {
  it('moves the link to the new Contact and links the unlinked company to the new Account', () => {
    const change = linkChangeForSalesforceFate(lead, { kind: 'converted', convertedContactId: '0031', convertedAccountId: '0011' }, { hubspotCompany: { companyId: 'c9', linkedAccountId: null } }, keep);
    expect(change).toEqual({
      change: 'move',
      hubspotId: 'h1',
      from: { salesforceObject: 'Lead', salesforceId: '00Q1' },
      to: { salesforceObject: 'Contact', salesforceId: '0031' },
      because: 'lead_converted',
      hubspotProperties: { salesforcecontactid: '0031', salesforceaccountid: '0011' },
      linkCompany: { hubspotCompanyId: 'c9', salesforceAccountId: '0011' },
    });
  });

  it('leaves a company linked to another Account alone and says so', () => {
    const change = linkChangeForSalesforceFate(lead, { kind: 'converted', convertedContactId: '0031', convertedAccountId: '0011' }, { hubspotCompany: { companyId: 'c9', linkedAccountId: '0012' } }, keep);
    expect(change.change === 'move' && change.linkCompany).toBeUndefined();
    expect(change.change === 'move' && change.note).toMatch(/stays linked to Account 0012/);
  });

  it('does not create a second pair when the new Contact is already linked elsewhere', () => {
    const change = linkChangeForSalesforceFate(lead, { kind: 'converted', convertedContactId: '0031', convertedAccountId: null }, { hubspotIdLinkedToTarget: 'h2' }, keep);
    expect(change).toMatchObject({ change: 'unlink', hubspotId: 'h1', salesforceId: '00Q1', hubspotProperties: { salesforceleadid: null } });
    expect(change.change === 'unlink' && change.because).toMatch(/already linked to HubSpot contact h2/);
  });
});

describe('Salesforce merge', () => {
  it('re-points the link to the master and clears the id of the merged-away kind', () => {
    expect(linkChangeForSalesforceFate(lead, { kind: 'merged', masterId: '0035', masterObject: 'Contact' }, {}, keep)).toMatchObject({
      change: 'move',
      to: { salesforceObject: 'Contact', salesforceId: '0035' },
      because: 'merged_in_salesforce',
      hubspotProperties: { salesforcecontactid: '0035', salesforceleadid: null },
    });
  });
  it('merges the loser\'s HubSpot contact into the master\'s when both were linked, never deleting it', () => {
    for (const onSalesforceDelete of ['do_nothing', 'delete_contact'] as const) {
      expect(linkChangeForSalesforceFate(lead, { kind: 'merged', masterId: '00Q7', masterObject: 'Lead' }, { hubspotIdLinkedToTarget: 'h2' }, { onSalesforceDelete })).toEqual({
        change: 'merge_hubspot_contacts',
        hubspotId: 'h1',
        salesforceObject: 'Lead',
        salesforceId: '00Q1',
        intoHubspotId: 'h2',
        master: { salesforceObject: 'Lead', salesforceId: '00Q7' },
        because: expect.stringMatching(/merged into Lead 00Q7, which is linked to HubSpot contact h2/) as string,
      });
    }
  });
  it('moving onto the record already linked to the same contact is a move, not a conflict', () => {
    expect(linkChangeForSalesforceFate(lead, { kind: 'merged', masterId: '00Q7', masterObject: 'Lead' }, { hubspotIdLinkedToTarget: 'h1' }, keep).change).toBe('move');
  });
});

describe('Salesforce delete', () => {
  it('deletes the HubSpot contact only when the setting says so', () => {
    expect(linkChangeForSalesforceFate(lead, { kind: 'deleted' }, {}, { onSalesforceDelete: 'delete_contact' }).change).toBe('delete_hubspot_contact');
    // The contact keeps the deleted lead's id: the memory that its partner is gone, and no write to echo back.
    expect(linkChangeForSalesforceFate(lead, { kind: 'deleted' }, {}, keep)).toMatchObject({ change: 'unlink', hubspotProperties: {} });
  });
});

describe('after a partner was deleted', () => {
  it('holds a record that has not changed since the deletion and sends one changed after it', () => {
    expect(afterPartnerDeleted(1_000, 1_000)).toBe('hold');
    expect(afterPartnerDeleted(999, 1_000)).toBe('hold');
    expect(afterPartnerDeleted(1_001, 1_000)).toBe('send_again');
  });
  it('sends again exactly when the change is later than the deletion', () => {
    fc.assert(fc.property(fc.integer(), fc.integer(), (changedAt, deletedAt) => (afterPartnerDeleted(changedAt, deletedAt) === 'send_again') === changedAt > deletedAt));
  });
});

describe('HubSpot merge', () => {
  it('moves the merged-away contact’s link to the winner when the winner has none', () => {
    expect(linkChangeForHubspotMerge(lead, { hubspotId: 'h2', link: null })).toMatchObject({ change: 'move', hubspotId: 'h2', fromHubspotId: 'h1', because: 'merged_in_hubspot', hubspotProperties: { salesforceleadid: '00Q1' } });
  });
  it('keeps the winner’s own link and unlinks the other record', () => {
    expect(linkChangeForHubspotMerge(lead, { hubspotId: 'h2', link: { hubspotId: 'h2', salesforceObject: 'Contact', salesforceId: '0032' } })).toMatchObject({ change: 'unlink', hubspotId: 'h1', salesforceId: '00Q1' });
  });
});
