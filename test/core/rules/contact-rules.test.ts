import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseSalesforceMatch, normaliseEmail, routeNewHubspotContact } from '../../../src/core/rules/contact-identity.ts';
import { advanceLifecycleStage, lifecycleRank, lifecycleStages, lifecycleTargetFromRoles, planLifecycleUpdates } from '../../../src/core/rules/lifecycle.ts';
import { contactSyncScope, hubspotDeleteOutcome, salesforceDeleteOutcome } from '../../../src/core/rules/scope.ts';

describe('routing new HubSpot contacts', () => {
  it('follows the setting; auto makes a Contact only under a linked Account', () => {
    expect(routeNewHubspotContact('lead', '001A')).toEqual({ object: 'Lead' });
    expect(routeNewHubspotContact('contact', null)).toEqual({ object: 'Contact' });
    expect(routeNewHubspotContact('contact', '001A')).toEqual({ object: 'Contact', accountId: '001A' });
    expect(routeNewHubspotContact('auto', '001A')).toEqual({ object: 'Contact', accountId: '001A' });
    expect(routeNewHubspotContact('auto', null)).toEqual({ object: 'Lead' });
  });
});

describe('dedup by email', () => {
  it('matches trimmed and case-insensitive; no email is no key', () => {
    expect(normaliseEmail('  Ann@Example.COM ')).toBe('ann@example.com');
    expect(normaliseEmail('  ')).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
  });

  const records = [
    { object: 'Lead' as const, id: '00Q2', createdAt: 200, modifiedAt: 900 },
    { object: 'Contact' as const, id: '0031', createdAt: 100, modifiedAt: 300 },
    { object: 'Lead' as const, id: '00Q3', createdAt: 150, modifiedAt: 800 },
  ];
  it('links the oldest on the first sync and the most recently modified later', () => {
    expect(chooseSalesforceMatch(records, 'first_sync')?.id).toBe('0031');
    expect(chooseSalesforceMatch(records, 'later_sync')?.id).toBe('00Q2');
    expect(chooseSalesforceMatch([], 'first_sync')).toBeUndefined();
  });
  it('does not depend on the order the records came in, ties broken by id', () => {
    const tied = [...records, { object: 'Lead' as const, id: '00Q0', createdAt: 100, modifiedAt: 900 }];
    fc.assert(
      fc.property(fc.shuffledSubarray(tied, { minLength: tied.length, maxLength: tied.length }), (shuffled) => {
        expect(chooseSalesforceMatch(shuffled, 'first_sync')?.id).toBe('0031');
        expect(chooseSalesforceMatch(shuffled, 'later_sync')?.id).toBe('00Q0');
      }),
    );
  });
});

describe('lifecycle stage', () => {
  it('takes customer from a won opportunity, opportunity from an open one, nothing from lost ones', () => {
    expect(lifecycleTargetFromRoles([{ opportunityId: '1', isClosed: true, isWon: true }, { opportunityId: '2', isClosed: false, isWon: false }])).toBe('customer');
    expect(lifecycleTargetFromRoles([{ opportunityId: '2', isClosed: false, isWon: false }])).toBe('opportunity');
    expect(lifecycleTargetFromRoles([{ opportunityId: '3', isClosed: true, isWon: false }])).toBeUndefined();
    expect(lifecycleTargetFromRoles([])).toBeUndefined();
  });

  it('never moves backwards; blank and other move up; custom stages are left alone', () => {
    expect(advanceLifecycleStage('lead', 'opportunity')).toBe('opportunity');
    expect(advanceLifecycleStage(null, 'opportunity')).toBe('opportunity');
    expect(advanceLifecycleStage('other', 'customer')).toBe('customer');
    expect(advanceLifecycleStage('customer', 'opportunity')).toBeUndefined();
    expect(advanceLifecycleStage('opportunity', 'opportunity')).toBeUndefined();
    expect(advanceLifecycleStage('1234567', 'customer')).toBeUndefined();
  });

  it('property: an advance never lowers the rank', () => {
    const stage = fc.oneof(fc.constantFrom<string>(...lifecycleStages, 'other', '', '987654'), fc.constant(null));
    fc.assert(
      fc.property(stage, fc.constantFrom('opportunity' as const, 'customer' as const), (current, target) => {
        const next = advanceLifecycleStage(current, target);
        if (next === undefined) return;
        expect(lifecycleStages.indexOf(next)).toBeGreaterThan(lifecycleRank(current) ?? Number.POSITIVE_INFINITY);
      }),
    );
  });

  it('property: planned updates never move a contact backwards, with or without company spreading', () => {
    const stage = fc.oneof(fc.constantFrom<string>(...lifecycleStages, 'other'), fc.constant(null));
    const role = fc.record({ opportunityId: fc.constantFrom('o1', 'o2'), isClosed: fc.boolean(), isWon: fc.boolean() }).map((r) => ({ ...r, isWon: r.isWon && r.isClosed }));
    fc.assert(
      fc.property(fc.array(fc.record({ stage, roles: fc.array(role, { maxLength: 3 }) }), { maxLength: 6 }), fc.boolean(), (people, syncCompanyLifecycle) => {
        const contacts = people.map((person, index) => ({ hubspotId: `c${index}`, stage: person.stage, companyId: 'acme', roles: person.roles }));
        const members = new Map([['acme', contacts.map(({ hubspotId, stage: current }) => ({ hubspotId, stage: current }))]]);
        const updates = planLifecycleUpdates(contacts, { onOpportunityStage: 'update_lifecycle_stage', syncCompanyLifecycle }, members);
        expect(new Set(updates.map((update) => update.hubspotId)).size).toBe(updates.length);
        for (const update of updates) {
          const before = contacts.find((contact) => contact.hubspotId === update.hubspotId)!.stage;
          expect(lifecycleStages.indexOf(update.stage)).toBeGreaterThan(lifecycleRank(before) ?? Number.POSITIVE_INFINITY);
        }
      }),
    );
  });

  const ann = { hubspotId: 'ann', stage: 'lead', companyId: 'acme', roles: [{ opportunityId: 'o1', isClosed: true, isWon: true }] };

  it('is retroactive: a role on an already Closed Won opportunity makes a customer', () => {
    expect(planLifecycleUpdates([ann], { onOpportunityStage: 'update_lifecycle_stage', syncCompanyLifecycle: false })).toEqual([
      { hubspotId: 'ann', stage: 'customer', because: 'contact role on a Closed Won opportunity' },
    ]);
  });

  it('spreads to the company’s other contacts with syncCompanyLifecycle, never backwards', () => {
    const members = new Map([['acme', [{ hubspotId: 'ann', stage: 'lead' }, { hubspotId: 'bob', stage: 'subscriber' }, { hubspotId: 'cat', stage: 'evangelist' }]]]);
    const updates = planLifecycleUpdates([ann], { onOpportunityStage: 'update_lifecycle_stage', syncCompanyLifecycle: true }, members);
    expect(updates.map((update) => [update.hubspotId, update.stage])).toEqual([
      ['ann', 'customer'],
      ['bob', 'customer'],
    ]);
  });

  it('does nothing when the setting says so', () => {
    expect(planLifecycleUpdates([ann], { onOpportunityStage: 'do_nothing', syncCompanyLifecycle: true })).toEqual([]);
  });
});

describe('inclusion and deletes', () => {
  const everyone = { inclusionListId: null, onSalesforceUpsert: 'create_or_update_contact' } as const;
  const listed = { inclusionListId: '42', onSalesforceUpsert: 'create_or_update_contact' } as const;

  it('lets everything through without a list', () => {
    expect(contactSyncScope(everyone, { inInclusionList: false, linked: true })).toEqual({ hubspotToSalesforce: true, salesforceToHubspot: 'all' });
  });
  it('stops updates both ways for a linked non-member', () => {
    expect(contactSyncScope(listed, { inInclusionList: false, linked: true })).toMatchObject({ hubspotToSalesforce: false, salesforceToHubspot: 'none', reason: 'not in inclusion list 42' });
  });
  it('still lets a new Salesforce record create or link its HubSpot contact outside the list', () => {
    expect(contactSyncScope(listed, { inInclusionList: false, linked: false })).toMatchObject({ hubspotToSalesforce: false, salesforceToHubspot: 'create_or_link_only' });
  });
  it('syncs members fully', () => {
    expect(contactSyncScope(listed, { inInclusionList: true, linked: true })).toEqual({ hubspotToSalesforce: true, salesforceToHubspot: 'all' });
  });
  it('writes nothing into HubSpot when onSalesforceUpsert is do_nothing', () => {
    expect(contactSyncScope({ inclusionListId: null, onSalesforceUpsert: 'do_nothing' }, { inInclusionList: true, linked: false }).salesforceToHubspot).toBe('none');
  });
  it('deletes in HubSpot only per setting, never in Salesforce', () => {
    expect(salesforceDeleteOutcome({ onSalesforceDelete: 'delete_contact' })).toEqual({ action: 'delete_hubspot_contact_and_unlink' });
    expect(salesforceDeleteOutcome({ onSalesforceDelete: 'do_nothing' }).action).toBe('unlink');
    expect(hubspotDeleteOutcome().action).toBe('unlink');
  });
});
