import { describe, expect, it } from 'vitest';
import { hubspot } from './hs-harness.ts';

// Lists v3 memberships: https://developers.hubspot.com/docs/guides/api/crm/lists/overview (memberships are paged with
// `after`, up to 250 a page; add answers recordsIdsAdded / recordIdsMissing, as the SDK's MembershipsUpdateResponse spells them).
const LISTS = 'https://developers.hubspot.com/docs/guides/api/crm/lists/overview';

describe('HubSpot contract: list memberships through @hubspot/api-client', () => {
  it(`a manual list's memberships page with after until paging is absent (${LISTS})`, async () => {
    const { client } = await hubspot();
    const created = await client.crm.lists.listsApi.create({ name: 'Sync scope', objectTypeId: '0-1', processingType: 'MANUAL' });
    const listId = created.list.listId;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await client.crm.objects.basicApi.create('contacts', { properties: { email: `member${i}@example.com` }, associations: [] })).id);
    const added = await client.crm.lists.membershipsApi.add(listId, [...ids, '987654321']);
    expect([...added.recordsIdsAdded].sort()).toEqual([...ids].sort());
    expect(added.recordIdsMissing).toEqual(['987654321']);
    const members: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await client.crm.lists.membershipsApi.getPage(listId, after, undefined, 2);
      members.push(...page.results.map((m) => String(m.recordId)));
      after = page.paging?.next?.after;
      pages += 1;
    } while (after && pages < 10);
    expect(pages).toBe(3);
    expect(members.sort()).toEqual([...ids].sort());
  });
});
