import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMappingTable, listMappings } from '../../src/engine/mappings.ts';
import { contactsDescription } from '../../src/objects/contacts.ts';
import { openStore, type Store } from '../../src/store/open.ts';

let folder: string;
let store: Store;
const now = new Date('2026-11-29T12:00:00.000Z');

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'crmsync-mappings-'));
  store = await openStore(`sqlite:${join(folder, 'mappings.db')}`);
});
afterAll(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('listMappings', () => {
  it('lists the defaults with the Contact names of Lead fields, and owner two-way', async () => {
    const rows = await listMappings(store.fieldMappings, contactsDescription);
    const byProperty = new Map(rows.map((row) => [row.hubspotProperty, row]));
    expect(byProperty.get('address')?.salesforceFields).toEqual({ Lead: 'Street', Contact: 'MailingStreet' });
    expect(byProperty.get('company')?.salesforceFields).toEqual({ Lead: 'Company', Contact: null });
    expect(byProperty.get('hubspot_owner_id')).toMatchObject({ rule: 'two_way', origin: 'default' });
    expect(rows.every((row) => row.origin === 'default')).toBe(true);
  });

  it('shows a default whose rule the admin changed, and the admin\'s own mappings after the defaults', async () => {
    await store.fieldMappings.ensureDefaults('contacts', [{ hubspotProperty: 'jobtitle', salesforceField: 'Title', rule: 'prefer_salesforce_unless_blank' }], now);
    await store.fieldMappings.changeRule('contacts', 'jobtitle', 'two_way', now);
    await store.fieldMappings.add({ objectPair: 'contacts', hubspotProperty: 'favourite_colour', salesforceField: 'Favourite_Colour__c', rule: 'always_use_hubspot', origin: 'custom' }, now);
    const rows = await listMappings(store.fieldMappings, contactsDescription);
    expect(rows.find((row) => row.hubspotProperty === 'jobtitle')?.rule).toBe('two_way');
    expect(rows.at(-1)).toEqual({
      hubspotProperty: 'favourite_colour',
      salesforceFields: { Lead: 'Favourite_Colour__c', Contact: 'Favourite_Colour__c' },
      rule: 'always_use_hubspot',
      origin: 'custom',
    });
    const table = formatMappingTable(rows, contactsDescription.salesforceObjects).split('\n');
    expect(table[0]).toMatch(/^HubSpot property\s+Salesforce Lead\s+Salesforce Contact\s+rule\s+origin$/);
    expect(table.find((line) => line.startsWith('company '))).toMatch(/Company\s+—/);
  });
});
