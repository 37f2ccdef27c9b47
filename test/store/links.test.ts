import { expect, it } from 'vitest';
import { FieldMappingConflictError } from '../../src/store/field-mappings.ts';
import { IdLinkConflictError } from '../../src/store/id-links.ts';
import { describeEachDatabase } from './databases.ts';

const t0 = new Date('2026-03-01T10:00:00.000Z');
const t1 = new Date('2026-03-01T11:00:00.000Z');

describeEachDatabase('id links', (database) => {
  it('finds a link from either side, in batches larger than one IN list', async () => {
    const store = await database.fresh().open();
    const links = Array.from({ length: 1200 }, (_, i) => ({
      hubspotObjectType: 'contacts',
      hubspotId: String(1000 + i),
      salesforceObject: 'Lead',
      salesforceId: `00Q${String(i).padStart(15, '0')}`,
    }));
    const { linked, conflicts } = await store.idLinks.linkMany(links, t0);
    expect(linked).toHaveLength(1200);
    expect(conflicts).toEqual([]);

    const byHubspot = await store.idLinks.findByHubspotIds('contacts', [...links.map((l) => l.hubspotId), 'unknown']);
    expect(byHubspot.size).toBe(1200);
    expect(byHubspot.get('1999')?.salesforceId).toBe('00Q000000000000999');
    const bySalesforce = await store.idLinks.findBySalesforceIds(['00Q000000000000007']);
    expect(bySalesforce.get('00Q000000000000007')).toMatchObject({ hubspotId: '1007', salesforceObject: 'Lead', createdAt: t0 });
    // The same HubSpot id in another object type is another record.
    expect((await store.idLinks.findByHubspotIds('companies', ['1007'])).size).toBe(0);
    await store.idLinks.link({ hubspotObjectType: 'companies', hubspotId: '1007', salesforceObject: 'Account', salesforceId: '001000000000000007' }, t0);
    expect(await store.idLinks.countByObject()).toEqual([
      { hubspotObjectType: 'companies', salesforceObject: 'Account', links: 1 },
      { hubspotObjectType: 'contacts', salesforceObject: 'Lead', links: 1200 },
    ]);
    const firstPage = await store.idLinks.listPage('contacts', null, 1000);
    const secondPage = await store.idLinks.listPage('contacts', firstPage.at(-1)!.linkId, 1000);
    expect(firstPage.length + secondPage.length).toBe(1200);
    expect(new Set([...firstPage, ...secondPage].map((l) => l.linkId)).size).toBe(1200);
  });

  it('refuses a second link for a record already linked, naming both records', async () => {
    const store = await database.fresh().open();
    await store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '1', salesforceObject: 'Lead', salesforceId: '00Q000000000000001' }, t0);
    const again = store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '2', salesforceObject: 'Lead', salesforceId: '00Q000000000000001' }, t0);
    await expect(again).rejects.toBeInstanceOf(IdLinkConflictError);
    await expect(again).rejects.toThrow('Salesforce Lead 00Q000000000000001 is already linked to HubSpot contacts 1');
    const { linked, conflicts } = await store.idLinks.linkMany(
      [
        { hubspotObjectType: 'contacts', hubspotId: '1', salesforceObject: 'Contact', salesforceId: '003000000000000001' },
        { hubspotObjectType: 'contacts', hubspotId: '3', salesforceObject: 'Contact', salesforceId: '003000000000000003' },
      ],
      t0,
    );
    expect(linked.map((l) => l.hubspotId)).toEqual(['3']);
    expect(conflicts).toMatchObject([{ side: 'hubspot', existing: { salesforceId: '00Q000000000000001' } }]);

    // Two requests of one batch naming the same Salesforce record: one link, one conflict, nothing lost silently.
    const sameBatch = await store.idLinks.linkMany(
      [
        { hubspotObjectType: 'contacts', hubspotId: '4', salesforceObject: 'Contact', salesforceId: '003000000000000004' },
        { hubspotObjectType: 'contacts', hubspotId: '5', salesforceObject: 'Contact', salesforceId: '003000000000000004' },
      ],
      t0,
    );
    expect(sameBatch.linked.map((l) => l.hubspotId)).toEqual(['4']);

    // Linking again exactly as before is a retry, not a conflict: the same link comes back.
    const retried = await store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '4', salesforceObject: 'Contact', salesforceId: '003000000000000004' }, t1);
    expect(retried).toEqual(sameBatch.linked[0]);
    expect(sameBatch.conflicts).toMatchObject([{ requested: { hubspotId: '5' }, side: 'salesforce', existing: { hubspotId: '4' } }]);
  });

  it('moves a converted lead to its contact and links the company to the new account, in one go', async () => {
    const store = await database.fresh().open();
    const lead = await store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '11', salesforceObject: 'Lead', salesforceId: '00Q000000000000011' }, t0);
    await store.syncedValues.upsertMany([{ linkId: lead.linkId, field: 'email', value: 'a@example.com' }], t0);

    const outcome = await store.idLinks.recordLeadConversion(
      { leadId: '00Q000000000000011', contactId: '003000000000000011', accountId: '001000000000000011', hubspotCompanyId: '77' },
      t1,
    );
    expect(outcome.moved).toHaveLength(1);
    expect(outcome.moved[0]?.after).toMatchObject({ linkId: lead.linkId, hubspotId: '11', salesforceObject: 'Contact', salesforceId: '003000000000000011', updatedAt: t1 });
    expect(outcome.created).toMatchObject([{ hubspotObjectType: 'companies', hubspotId: '77', salesforceObject: 'Account', salesforceId: '001000000000000011' }]);
    expect((await store.idLinks.findBySalesforceIds(['00Q000000000000011'])).size).toBe(0);
    // The link kept its id, so what was synced through it still counts.
    expect((await store.syncedValues.readForLinks([lead.linkId])).get(lead.linkId)?.get('email')?.value).toBe('a@example.com');

    // A company already linked to another account stays as it is: no duplicate, no silent re-point.
    await store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '12', salesforceObject: 'Lead', salesforceId: '00Q000000000000012' }, t0);
    const second = await store.idLinks.recordLeadConversion(
      { leadId: '00Q000000000000012', contactId: '003000000000000012', accountId: '001000000000000099', hubspotCompanyId: '77' },
      t1,
    );
    expect(second.created).toEqual([]);
    // Converting into the Account the company is already linked to creates nothing either.
    await store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '13', salesforceObject: 'Lead', salesforceId: '00Q000000000000013' }, t0);
    const third = await store.idLinks.recordLeadConversion(
      { leadId: '00Q000000000000013', contactId: '003000000000000013', accountId: '001000000000000011', hubspotCompanyId: '77' },
      t1,
    );
    expect(third).toMatchObject({ moved: [{ after: { salesforceId: '003000000000000013' } }], created: [], removed: [] });
    expect((await store.idLinks.findByHubspotIds('companies', ['77'])).get('77')?.salesforceId).toBe('001000000000000011');
  });

  it('re-points Salesforce merges to the master, dropping links whose record is already represented', async () => {
    const store = await database.fresh().open();
    const [a, b] = await Promise.all([
      store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '21', salesforceObject: 'Contact', salesforceId: '003000000000000021' }, t0),
      store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '22', salesforceObject: 'Contact', salesforceId: '003000000000000022' }, t0),
    ]);
    const outcome = await store.idLinks.recordSalesforceMerge(
      { masterObject: 'Contact', masterId: '003000000000000020', mergedIds: ['003000000000000021', '003000000000000022', '003000000000000023'] },
      t1,
    );
    expect(outcome.moved.map((m) => m.before.linkId)).toEqual([a.linkId]);
    expect(outcome.removed.map((l) => l.linkId)).toEqual([b.linkId]);
    const links = await store.idLinks.findBySalesforceIds(['003000000000000020', '003000000000000021', '003000000000000022']);
    expect([...links.keys()]).toEqual(['003000000000000020']);
    expect(links.get('003000000000000020')?.hubspotId).toBe('21');
  });

  it('re-points a HubSpot merge to the new object id', async () => {
    const store = await database.fresh().open();
    const primary = await store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '31', salesforceObject: 'Contact', salesforceId: '003000000000000031' }, t0);
    const outcome = await store.idLinks.recordHubspotMerge({ hubspotObjectType: 'contacts', survivingId: '39', mergedIds: ['31', '32'] }, t1);
    expect(outcome.moved[0]?.after).toMatchObject({ linkId: primary.linkId, hubspotId: '39', salesforceId: '003000000000000031' });
    expect((await store.idLinks.findByHubspotIds('contacts', ['31', '39'])).has('31')).toBe(false);
  });

  it('rolls a re-pointing back whole when it fails part-way', async () => {
    const store = await database.fresh().open();
    await store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '41', salesforceObject: 'Lead', salesforceId: '00Q000000000000041' }, t0);
    const failing = store.transaction(async (tx) => {
      await tx.idLinks.recordLeadConversion({ leadId: '00Q000000000000041', contactId: '003000000000000041', accountId: null, hubspotCompanyId: null }, t1);
      throw new Error('crash after the move');
    });
    await expect(failing).rejects.toThrow('crash after the move');
    expect((await store.idLinks.findBySalesforceIds(['00Q000000000000041'])).get('00Q000000000000041')?.salesforceObject).toBe('Lead');
  });

  it('commits a link, its synced values and the checkpoint of its batch together, or none of them', async () => {
    const store = await database.fresh().open();
    const batch = (hubspotId: string, fail: boolean) =>
      store.transaction(async (tx) => {
        const link = await tx.idLinks.link({ hubspotObjectType: 'contacts', hubspotId, salesforceObject: 'Contact', salesforceId: `003${hubspotId.padStart(15, '0')}` }, t1);
        await tx.syncedValues.upsertMany([{ linkId: link.linkId, field: 'email', value: `${hubspotId}@example.com` }], t1);
        await tx.checkpoints.advance('hubspot', 'contacts', { time: new Date(`2026-03-01T10:0${hubspotId}:00.000Z`), lastId: hubspotId }, t1);
        if (fail) throw new Error('the process dies before commit');
        return link;
      });
    const kept = await batch('1', false);
    await expect(batch('2', true)).rejects.toThrow('the process dies before commit');
    expect([...(await store.idLinks.findByHubspotIds('contacts', ['1', '2'])).keys()]).toEqual(['1']);
    expect((await store.syncedValues.readForLinks([kept.linkId])).get(kept.linkId)?.get('email')?.value).toBe('1@example.com');
    expect(await store.checkpoints.read('hubspot', 'contacts')).toMatchObject({ cursorLastId: '1' });
  });

  it('drops the synced values of an unlinked pair with it', async () => {
    const store = await database.fresh().open();
    const link = await store.idLinks.link({ hubspotObjectType: 'deals', hubspotId: '5', salesforceObject: 'Opportunity', salesforceId: '006000000000000005' }, t0);
    await store.syncedValues.upsertMany([{ linkId: link.linkId, field: 'amount', value: 10 }], t0);
    expect(await store.idLinks.unlink(link.linkId)).toBe(true);
    expect((await store.syncedValues.readForLinks([link.linkId])).size).toBe(0);
  });
});

describeEachDatabase('last-synced values', (database) => {
  it('upserts in batches, keeping the latest value per field, blank included', async () => {
    const store = await database.fresh().open();
    const link = await store.idLinks.link({ hubspotObjectType: 'contacts', hubspotId: '1', salesforceObject: 'Lead', salesforceId: '00Q000000000000001' }, t0);
    await store.syncedValues.upsertMany(
      [
        { linkId: link.linkId, field: 'firstname', value: 'Ada' },
        { linkId: link.linkId, field: 'hs_tags', value: ['a', 'b'] },
        { linkId: link.linkId, field: 'firstname', value: 'Ada L.' },
      ],
      t0,
    );
    await store.syncedValues.upsertMany([{ linkId: link.linkId, field: 'phone', value: null }], t1);
    const fields = (await store.syncedValues.readForLinks([link.linkId])).get(link.linkId)!;
    expect(fields.get('firstname')).toEqual({ linkId: link.linkId, field: 'firstname', value: 'Ada L.', syncedAt: t0 });
    expect(fields.get('hs_tags')?.value).toEqual(['a', 'b']);
    expect(fields.get('phone')).toMatchObject({ value: null, syncedAt: t1 });
    await store.syncedValues.forget(link.linkId, ['phone']);
    expect((await store.syncedValues.readForLinks([link.linkId])).get(link.linkId)?.has('phone')).toBe(false);
  });
});

describeEachDatabase('field mappings', (database) => {
  it('keeps one mapping per property and per field, and protects defaults', async () => {
    const store = await database.fresh().open();
    const added = await store.fieldMappings.ensureDefaults(
      'contacts',
      [
        { hubspotProperty: 'email', salesforceField: 'Email', rule: 'prefer_salesforce_unless_blank' },
        { hubspotProperty: 'hubspot_owner_id', salesforceField: 'OwnerId', rule: 'two_way' },
      ],
      t0,
    );
    expect(added).toBe(2);
    await store.fieldMappings.changeRule('contacts', 'email', 'two_way', t1);
    expect(await store.fieldMappings.ensureDefaults('contacts', [{ hubspotProperty: 'email', salesforceField: 'Email', rule: 'dont_sync' }], t1)).toBe(0);

    await store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: 'shoe_size', salesforceField: 'Shoe_Size__c', rule: 'two_way', origin: 'custom' }, t1);
    const duplicate = store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: 'foot', salesforceField: 'Shoe_Size__c', rule: 'two_way', origin: 'custom' }, t1);
    await expect(duplicate).rejects.toBeInstanceOf(FieldMappingConflictError);
    await expect(duplicate).rejects.toThrow('Salesforce field Shoe_Size__c is already mapped to HubSpot property shoe_size for contacts');

    await expect(store.fieldMappings.remove('contacts', 'email')).rejects.toThrow(/is a default and cannot be deleted/);
    await store.fieldMappings.remove('contacts', 'shoe_size');
    await expect(store.fieldMappings.remove('contacts', 'shoe_size')).rejects.toThrow('no mapping of HubSpot property shoe_size exists for contacts');
    expect(await store.fieldMappings.list('contacts')).toEqual([
      { objectPair: 'contacts', hubspotProperty: 'email', salesforceField: 'Email', rule: 'two_way', origin: 'default' },
      { objectPair: 'contacts', hubspotProperty: 'hubspot_owner_id', salesforceField: 'OwnerId', rule: 'two_way', origin: 'default' },
    ]);
  });
});

describeEachDatabase('checkpoints', (database) => {
  it('advances per (system, object) and never rewinds', async () => {
    const store = await database.fresh().open();
    expect(await store.checkpoints.read('salesforce', 'Lead')).toBeNull();
    expect(await store.checkpoints.advance('salesforce', 'Lead', { time: new Date('2026-03-01T10:00:00.000Z'), lastId: '00Q1' }, t0)).toBe(true);
    expect(await store.checkpoints.advance('salesforce', 'Lead', { time: new Date('2026-03-01T10:05:00.000Z'), lastId: '00Q9' }, t1)).toBe(true);
    expect(await store.checkpoints.advance('salesforce', 'Lead', { time: new Date('2026-03-01T09:00:00.000Z'), lastId: '00Q0' }, t1)).toBe(false);
    expect(await store.checkpoints.advance('hubspot', 'contacts', { time: new Date('2026-02-01T00:00:00.000Z'), lastId: null }, t1)).toBe(true);
    expect(await store.checkpoints.read('salesforce', 'Lead')).toEqual({
      system: 'salesforce',
      object: 'Lead',
      cursorTime: new Date('2026-03-01T10:05:00.000Z'),
      cursorLastId: '00Q9',
      updatedAt: t1,
    });
    await expect(store.checkpoints.advance('salesforce', 'Lead', { time: new Date('nonsense'), lastId: null }, t1)).rejects.toThrow(/cursor.time must be a valid Date/);
    await store.checkpoints.reset('salesforce', 'Lead');
    expect((await store.checkpoints.list()).map((c) => `${c.system}/${c.object}`)).toEqual(['hubspot/contacts']);
  });
});
