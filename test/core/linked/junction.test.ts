import { describe, expect, it } from 'vitest';
import { planJunctionSync, type JunctionPair } from '../../../src/core/linked/junction.ts';

const junction = { object: 'OpportunityContactRole', otherSalesforceObject: 'Contact', otherHubspotType: 'contacts' };
const others = {
  byHubspotId: new Map([
    ['h1', { salesforceId: 'c1', salesforceObject: 'Contact' }],
    ['h2', { salesforceId: 'c2', salesforceObject: 'Contact' }],
    ['h3', { salesforceId: 'l3', salesforceObject: 'Lead' }],
  ]),
  hubspotIdBySalesforceId: new Map([
    ['c1', 'h1'],
    ['c2', 'h2'],
  ]),
};
const pair = (overrides: Partial<JunctionPair>): JunctionPair => ({ linkId: 'L', hubspotId: 'd', salesforceId: 'o', hubspotOthers: [], salesforceRows: [], ...overrides });

describe('planJunctionSync (three-way merge against the last-synced set)', () => {
  it('a first sync unites both sides; a Lead is skipped with its reason', () => {
    const plan = planJunctionSync({ junction, others, pairs: [pair({ hubspotOthers: ['h1', 'h3'], salesforceRows: [{ rowId: 'r2', otherId: 'c2' }] })] });
    expect(plan.salesforceCreates).toEqual([{ linkId: 'L', salesforceId: 'o', otherId: 'c1' }]);
    expect(plan.hubspotAdds).toEqual([{ linkId: 'L', hubspotId: 'd', otherHubspotId: 'h2' }]);
    expect(plan.skips.map((skip) => skip.otherHubspotId)).toEqual(['h3']);
    expect(plan.synced).toEqual([{ linkId: 'L', others: ['c1', 'c2'] }]);
  });

  it('a removal on one side is removed on the other, not re-added', () => {
    const removedInSalesforce = planJunctionSync({ junction, others, pairs: [pair({ hubspotOthers: ['h1', 'h2'], salesforceRows: [{ rowId: 'r2', otherId: 'c2' }], lastSynced: ['c1', 'c2'] })] });
    expect(removedInSalesforce.hubspotRemoves).toEqual([{ linkId: 'L', hubspotId: 'd', otherHubspotId: 'h1' }]);
    expect(removedInSalesforce.salesforceCreates).toEqual([]);
    const removedInHubspot = planJunctionSync({ junction, others, pairs: [pair({ hubspotOthers: ['h2'], salesforceRows: [{ rowId: 'r1', otherId: 'c1' }, { rowId: 'r1b', otherId: 'c1' }, { rowId: 'r2', otherId: 'c2' }], lastSynced: ['c1', 'c2'] })] });
    expect(removedInHubspot.salesforceDeletes.map((remove) => remove.rowId)).toEqual(['r1', 'r1b']);
    expect(removedInHubspot.synced).toEqual([{ linkId: 'L', others: ['c2'] }]);
  });

  it('plans nothing when both sides hold the last-synced set', () => {
    const plan = planJunctionSync({ junction, others, pairs: [pair({ hubspotOthers: ['h1'], salesforceRows: [{ rowId: 'r1', otherId: 'c1' }], lastSynced: ['c1'] })] });
    expect(plan).toEqual({ salesforceCreates: [], salesforceDeletes: [], hubspotAdds: [], hubspotRemoves: [], synced: [], skips: [] });
  });
});
