import { describe, expect, it } from 'vitest';
import { apiError, hubspot } from './hs-harness.ts';

// Batch endpoints and limits (100 inputs; read by idProperty): https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects
// Batch archive "will return a 204 No Content response on success regardless of the initial state of the object"
// (generated client docs of the contacts BatchApi, archive): https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-archive
// Owners (paging with after): https://developers.hubspot.com/docs/api-reference/crm-owners-v3/owners/get-crm-v3-owners-
// Property types and read-only values: https://developers.hubspot.com/docs/api/crm/properties
const BATCH = 'https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects';
const ARCHIVE = 'https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-archive';
const OWNERS = 'https://developers.hubspot.com/docs/api-reference/crm-owners-v3/owners/get-crm-v3-owners-';
const PROPERTIES = 'https://developers.hubspot.com/docs/api/crm/properties';

describe('HubSpot contract: batch rules, owners and read-only values', () => {
  it(`batch read by idProperty=email finds case-insensitively and names missing emails in a 207 (${BATCH})`, async () => {
    const { client } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'reader@example.com' }, associations: [] });
    const response = await client.crm.objects.batchApi.read('contacts', { idProperty: 'email', inputs: [{ id: 'READER@example.com' }, { id: 'absent@example.com' }], properties: ['email'], propertiesWithHistory: [] });
    expect(response.results.map((r) => r.id)).toEqual([contact.id]);
    expect((response as unknown as { errors: Array<{ category: string; context: { ids: string[] } }> }).errors).toEqual([
      expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: ['absent@example.com'] } }),
    ]);
  });

  it(`more than 100 inputs, or one id twice, is a 400 VALIDATION_ERROR and nothing is written (${BATCH})`, async () => {
    const { client } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'twice@example.com', firstname: 'Before' }, associations: [] });
    const tooMany = await apiError(client.crm.objects.batchApi.create('contacts', { inputs: Array.from({ length: 101 }, (_, i) => ({ properties: { email: `m${i}@example.com` }, associations: [] })) }));
    expect(tooMany.code).toBe(400);
    expect(tooMany.body.category).toBe('VALIDATION_ERROR');
    const twice = await apiError(client.crm.objects.batchApi.update('contacts', { inputs: [{ id: contact.id, properties: { firstname: 'A' } }, { id: contact.id, properties: { firstname: 'B' } }] }));
    expect(twice.code).toBe(400);
    expect((await client.crm.objects.basicApi.getById('contacts', contact.id, ['firstname'])).properties.firstname).toBe('Before');
    expect((await client.crm.objects.basicApi.getPage('contacts', 100)).results).toHaveLength(1);
  });

  it(`batch archive answers 204 even for an id that does not exist (${ARCHIVE})`, async () => {
    const { client } = await hubspot();
    await expect(client.crm.objects.batchApi.archive('contacts', { inputs: [{ id: '987654321' }] })).resolves.toBeUndefined();
  });

  it(`hs_object_id is read-only (READ_ONLY_VALUE) and an unknown owner id is INVALID_OWNER_ID (${PROPERTIES})`, async () => {
    const { client } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'ro@example.com' }, associations: [] });
    const readOnly = await apiError(client.crm.objects.basicApi.update('contacts', contact.id, { properties: { hs_object_id: '5' } }));
    expect(readOnly.code).toBe(400);
    expect(readOnly.body.message).toContain('"error":"READ_ONLY_VALUE"');
    const owner = await apiError(client.crm.objects.basicApi.update('contacts', contact.id, { properties: { hubspot_owner_id: '123' } }));
    expect(owner.code).toBe(400);
    expect(owner.body.message).toContain('"name":"hubspot_owner_id"');
  });

  it(`owners page with after until paging is absent (${OWNERS})`, async () => {
    const { client, admin } = await hubspot();
    for (let i = 0; i < 5; i += 1) await admin('owners', { email: `owner${i}@example.com`, firstName: 'Owner', lastName: String(i) });
    const emails: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await client.crm.owners.ownersApi.getPage(undefined, after, 2, false);
      emails.push(...page.results.map((o) => o.email ?? ''));
      after = page.paging?.next?.after;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(emails.sort()).toEqual(['owner0@example.com', 'owner1@example.com', 'owner2@example.com', 'owner3@example.com', 'owner4@example.com']);
    const filtered = await client.crm.owners.ownersApi.getPage('owner3@example.com', undefined, 100, false);
    expect(filtered.results.map((o) => o.email)).toEqual(['owner3@example.com']);
  });
  it(`an archived contact frees its email: a new contact may take it, and the archived one is still readable with archived=true (${ARCHIVE})`, async () => {
    const { client, raw } = await hubspot();
    const first = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'again@example.com' }, associations: [] });
    await client.crm.objects.basicApi.archive('contacts', first.id);
    const second = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'again@example.com' }, associations: [] });
    expect(second.id).not.toBe(first.id);
    const archived = await raw('GET', `/crm/v3/objects/contacts/${first.id}?archived=true`);
    expect(archived.body).toMatchObject({ id: first.id, archived: true, archivedAt: expect.any(String) });
    const byEmail = await client.crm.objects.basicApi.getById('contacts', 'again@example.com', undefined, undefined, undefined, false, 'email');
    expect(byEmail.id).toBe(second.id);
  });
});
