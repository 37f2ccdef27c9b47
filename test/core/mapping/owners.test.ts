import { describe, expect, it } from 'vitest';
import { hubspotToSalesforce } from '../../../src/core/mapping/convert.ts';
import { buildOwnerDirectory } from '../../../src/core/mapping/owners.ts';

describe('buildOwnerDirectory', () => {
  const directory = buildOwnerDirectory(
    [
      { id: '1', email: 'Ann@Acme.com ' },
      { id: '2', email: 'bob@acme.com' },
      { id: '3', email: 'cat@acme.com' },
      { id: '4', email: 'dan@acme.com', archived: true },
      { id: '5', email: 'eve@acme.com' },
    ],
    [
      { id: '005A', email: 'ann@acme.com', isActive: true },
      { id: '005B', email: 'bob@acme.com', isActive: false },
      { id: '005D', email: 'dan@acme.com', isActive: true },
      { id: '005E1', email: 'eve@acme.com', isActive: true },
      { id: '005E2', email: 'EVE@acme.com', isActive: true },
    ],
  );

  it('matches owners to active users by email, case-insensitively, both ways', () => {
    expect([...directory.salesforceUserIdByHubspotOwnerId]).toEqual([['1', '005A']]);
    expect([...directory.hubspotOwnerIdBySalesforceUserId]).toEqual([['005A', '1']]);
  });

  it('never targets an inactive user or an archived owner, and refuses ambiguous emails', () => {
    expect(directory.unmatchedHubspotOwnerIds.sort()).toEqual(['2', '3', '5']);
    expect(directory.ambiguousEmails).toEqual(['eve@acme.com']);
    expect(directory.hubspotOwnerIdBySalesforceUserId.has('005D')).toBe(false);
  });

  it('feeds owner conversion, refusing an owner without a user', () => {
    const shape = { kind: 'choice', salesforceType: 'reference', meaning: 'owner' } as const;
    expect(hubspotToSalesforce('1', shape, { owners: directory })).toEqual({ ok: true, value: '005A' });
    expect(hubspotToSalesforce('2', shape, { owners: directory }).ok).toBe(false);
  });
});
