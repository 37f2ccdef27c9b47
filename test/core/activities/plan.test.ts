import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORIGIN_FIELD, plainText, planActivitySync, type ActivityPlanInput, type LinkedRecord } from '../../../src/core/activities/plan.ts';
import { activityKinds } from '../../../src/objects/activities.ts';

const contact: LinkedRecord = { hubspotObjectType: 'contacts', hubspotId: 'c1', salesforceObject: 'Contact', salesforceId: '003C1' };
const lead: LinkedRecord = { hubspotObjectType: 'contacts', hubspotId: 'c2', salesforceObject: 'Lead', salesforceId: '00QL1' };
const company: LinkedRecord = { hubspotObjectType: 'companies', hubspotId: 'co1', salesforceObject: 'Account', salesforceId: '001A1' };
const deal: LinkedRecord = { hubspotObjectType: 'deals', hubspotId: 'd1', salesforceObject: 'Opportunity', salesforceId: '006O1' };

function input(overrides: Partial<ActivityPlanInput>): ActivityPlanInput {
  const types = activityKinds.map((kind) => kind.hubspotObjectType);
  return { kinds: activityKinds, timeline: new Set(types), fromSalesforce: new Set(types), hubspotChanges: [], salesforceChanges: [], links: [], related: [contact, lead, company, deal], ...overrides };
}

const task = (id: string, properties: Record<string, string>, associated: Record<string, string[]>) => ({ hubspotObjectType: 'tasks', id, properties: { hs_timestamp: '2026-03-09T00:00:00.000Z', ...properties }, associated });

describe('planActivitySync', () => {
  it('relates a Contact activity to the deal’s Opportunity before the Account, and a Lead’s to nothing (Salesforce refuses a WhatId beside a Lead)', () => {
    const plan = planActivitySync(input({ hubspotChanges: [task('t1', { hs_task_subject: 'A' }, { contacts: ['c1'], companies: ['co1'], deals: ['d1'] }), task('t2', { hs_task_subject: 'B' }, { contacts: ['c2'], companies: ['co1'], deals: ['d1'] })] }));
    expect(plan.salesforceCreates.map((create) => [create.fields.WhoId, create.fields.WhatId])).toEqual([
      ['003C1', '006O1'],
      ['00QL1', undefined],
    ]);
  });

  it('writes only the fields that changed since the last sync, and nothing when none did', () => {
    const synced = { Subject: 'A', Description: null, ActivityDate: '2026-03-09', Status: null, Priority: null, WhoId: '003C1', WhatId: null, [ORIGIN_FIELD]: 'hubspot' };
    const link = { linkId: 'l1', hubspotObjectType: 'tasks', hubspotId: 't1', salesforceObject: 'Task', salesforceId: '00T1', synced };
    const same = planActivitySync(input({ links: [link], hubspotChanges: [task('t1', { hs_task_subject: 'A' }, { contacts: ['c1'] })] }));
    expect(same.salesforceUpdates).toEqual([]);
    const changed = planActivitySync(input({ links: [link], hubspotChanges: [task('t1', { hs_task_subject: 'B', hs_task_status: 'COMPLETED' }, { contacts: ['c1'] })] }));
    expect(changed.salesforceUpdates.map((update) => update.fields)).toEqual([{ Subject: 'B', Status: 'Completed' }]);
  });

  it('ignores a change on the copy: a HubSpot edit of an activity made in Salesforce, and the reverse', () => {
    const fromSalesforce = { linkId: 'l1', hubspotObjectType: 'tasks', hubspotId: 't1', salesforceObject: 'Task', salesforceId: '00T1', synced: { Subject: 'A', [ORIGIN_FIELD]: 'salesforce' } };
    const fromHubspot = { linkId: 'l2', hubspotObjectType: 'tasks', hubspotId: 't2', salesforceObject: 'Task', salesforceId: '00T2', synced: { Subject: 'B', [ORIGIN_FIELD]: 'hubspot' } };
    const plan = planActivitySync(
      input({
        links: [fromSalesforce, fromHubspot],
        hubspotChanges: [task('t1', { hs_task_subject: 'edited' }, { contacts: ['c1'] })],
        salesforceChanges: [{ object: 'Task', id: '00T2', fields: { TaskSubtype: 'Task', Subject: 'edited', WhoId: '003C1' } }],
      }),
    );
    expect([plan.salesforceUpdates, plan.hubspotUpdates, plan.salesforceCreates, plan.hubspotCreates]).toEqual([[], [], [], []]);
    expect(plan.skips.map((skip) => skip.because)).toEqual(['made in Salesforce: changes flow from there only', 'made in HubSpot: changes flow from there only']);
  });

  it('a value the other side cannot take is a property_value error for that activity only', () => {
    const plan = planActivitySync(input({ hubspotChanges: [task('t1', { hs_task_subject: 'A', hs_task_status: 'SOMEDAY' }, { contacts: ['c1'] }), task('t2', { hs_task_subject: 'B' }, { contacts: ['c1'] })] }));
    expect(plan.errors.map((error) => [error.hubspotId, error.error.category, error.error.field])).toEqual([['t1', 'property_value', 'Status']]);
    expect(plan.salesforceCreates.map((create) => create.hubspotId)).toEqual(['t2']);
  });

  it('reads a Task without a subtype as a plain task, dates an engagement with no due date by its creation, and skips one related to nothing', () => {
    const plan = planActivitySync(
      input({
        salesforceChanges: [
          { object: 'Task', id: '00T1', fields: { TaskSubtype: null, Subject: 'Old', WhoId: '003C1', ActivityDate: null, CreatedDate: '2026-01-05T08:30:00.000+0000' } },
          { object: 'Task', id: '00T2', fields: { TaskSubtype: 'Task', Subject: 'Alone', WhoId: null, WhatId: null } },
        ],
      }),
    );
    expect(plan.hubspotCreates).toMatchObject([{ hubspotObjectType: 'tasks', properties: { hs_task_subject: 'Old', hs_timestamp: '2026-01-05T08:30:00.000Z' }, associations: [{ toType: 'contacts', toId: 'c1' }] }]);
    expect(plan.skips).toMatchObject([{ id: '00T2', because: 'related to no lead, contact or record' }]);
  });

  it('an activity whose WhatId alone is set waits for that record, and goes with it once linked', () => {
    const orphan = { object: 'Task', id: '00T1', fields: { TaskSubtype: 'Call', Subject: 'About a case', WhatId: '500X1' } };
    const waiting = planActivitySync(input({ salesforceChanges: [orphan] }));
    expect(waiting.errors).toMatchObject([{ waiting: true, salesforceId: '00T1', error: { category: 'associations' } }]);
    const ticket: LinkedRecord = { hubspotObjectType: 'tickets', hubspotId: 'tk1', salesforceObject: 'Case', salesforceId: '500X1' };
    const linked = planActivitySync(input({ salesforceChanges: [orphan], related: [ticket] }));
    expect(linked.hubspotCreates).toMatchObject([{ hubspotObjectType: 'calls', associations: [{ toType: 'tickets', toId: 'tk1' }] }]);
  });
});

describe('plainText', () => {
  it('drops tags, breaks lines at blocks and decodes entities', () => {
    expect(plainText('<p>One &amp; two</p><p>Three<br>four &lt;5&gt;</p>')).toBe('One & two\nThree\nfour <5>');
  });

  it('leaves text without markup as it is', () => {
    fc.assert(fc.property(fc.string().filter((text) => !/[<&]/.test(text)), (text) => plainText(text) === text));
  });
});
