import { describe, expect, it } from 'vitest';
import { apiError, hubspot, type Json } from './hs-harness.ts';

// Batch endpoints (create 201, read/update/upsert 200, archive 204, 207 multi-status with errors[]):
// https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects and the error-handling
// page https://developers.hubspot.com/docs/api-reference/error-handling (multi-status: objectWriteTraceId in context).
// Contacts guide (get by idProperty=email, unique email): https://developers.hubspot.com/docs/guides/api/crm/objects/contacts
// Merge: https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/post-crm-v3-objects-contacts-merge
const BATCH_READ = 'https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects';
const ERRORS = 'https://developers.hubspot.com/docs/api-reference/error-handling';
const CONTACTS = 'https://developers.hubspot.com/docs/guides/api/crm/objects/contacts';
const UPSERT = 'https://developers.hubspot.com/docs/api-reference/latest/crm/objects/custom-objects/batch/upsert-custom-objects';

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('HubSpot contract: objects and batches through @hubspot/api-client', () => {
  it(`batch create answers COMPLETE results; createdAt equals createdate and updatedAt equals hs_lastmodifieddate (${BATCH_READ})`, async () => {
    const { client } = await hubspot();
    const created = await client.crm.objects.batchApi.create('contacts', {
      inputs: [
        { properties: { email: 'a@example.com', firstname: 'A' }, associations: [] },
        { properties: { email: 'b@example.com', firstname: 'B' }, associations: [] },
      ],
    });
    expect(created.status).toBe('COMPLETE');
    expect(created.results).toHaveLength(2);
    for (const record of created.results) {
      expect(record.id).toMatch(/^\d+$/);
      expect(record.properties.hs_object_id).toBe(record.id);
      expect(record.properties.createdate).toMatch(iso);
      expect(record.createdAt.toISOString()).toBe(record.properties.createdate);
      expect(record.updatedAt.toISOString()).toBe(record.properties.hs_lastmodifieddate);
      expect(record.archived).toBe(false);
    }
  });

  it(`hs_lastmodifieddate advances on every update and equals updatedAt (${BATCH_READ})`, async () => {
    const { client } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'u@example.com', firstname: 'One' }, associations: [] });
    const first = await client.crm.objects.batchApi.update('contacts', { inputs: [{ id: contact.id, properties: { firstname: 'Two' } }] });
    const second = await client.crm.objects.batchApi.update('contacts', { inputs: [{ id: contact.id, properties: { firstname: 'Three' } }] });
    const stamps = [contact, first.results[0], second.results[0]].map((r) => Date.parse(String(r?.properties.hs_lastmodifieddate)));
    expect(stamps[1]).toBeGreaterThan(stamps[0] as number);
    expect(stamps[2]).toBeGreaterThan(stamps[1] as number);
    const read = await client.crm.objects.basicApi.getById('contacts', contact.id, ['hs_lastmodifieddate', 'createdate', 'firstname']);
    expect(read.properties.firstname).toBe('Three');
    expect(read.updatedAt.toISOString()).toBe(read.properties.hs_lastmodifieddate);
    expect(read.properties.createdate).toBe(contact.properties.createdate);
  });

  it(`batch read of a missing id answers 207 with an OBJECT_NOT_FOUND error naming it (${BATCH_READ})`, async () => {
    const { client, raw } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'r@example.com' }, associations: [] });
    const response = await client.crm.objects.batchApi.read('contacts', { inputs: [{ id: contact.id }, { id: '999999999' }], properties: ['email'], propertiesWithHistory: [] });
    expect(response.results.map((r) => r.id)).toEqual([contact.id]);
    const errors = (response as Json).errors as Json[];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['999999999'] } });
    const status = await raw('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '999999999' }], properties: [] });
    expect(status.status).toBe(207);
    expect(status.body.numErrors).toBe(1);
  });

  it(`batch create with objectWriteTraceId reports the failing input in a 207 errors[] with category and context (${ERRORS})`, async () => {
    const { client, admin } = await hubspot();
    const response = (await client.crm.objects.batchApi.create('contacts', {
      inputs: [
        { objectWriteTraceId: 'good-1', properties: { email: 'good@example.com' }, associations: [] },
        { objectWriteTraceId: 'bad-1', properties: { email: 'not an email' }, associations: [] },
      ],
    })) as Json;
    expect(response.status).toBe('COMPLETE');
    expect(response.results).toHaveLength(1);
    expect(response.numErrors).toBe(1);
    expect(response.errors[0]).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['bad-1'] } });
    expect(String(response.errors[0].message)).toContain('email');
    const records = (await admin('records/contacts')) as Json;
    expect(JSON.stringify(records)).toContain('good@example.com');
    expect(JSON.stringify(records)).not.toContain('not an email');
  });

  it(`batch upsert by email creates then updates, with new true/false (${UPSERT})`, async () => {
    const { client } = await hubspot();
    const first = await client.crm.objects.batchApi.upsert('contacts', { inputs: [{ id: 'ups@example.com', idProperty: 'email', properties: { firstname: 'First' } }] });
    expect(first.results[0]).toMatchObject({ _new: true });
    const second = await client.crm.objects.batchApi.upsert('contacts', { inputs: [{ id: 'UPS@example.com', idProperty: 'email', properties: { firstname: 'Second' } }] });
    expect(second.results[0]).toMatchObject({ _new: false, id: first.results[0]?.id });
    expect(second.results[0]?.properties.firstname).toBe('Second');
  });

  it(`batch archive answers 204; the archived record is then 404 OBJECT_NOT_FOUND (${BATCH_READ})`, async () => {
    const { client, raw } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'gone@example.com' }, associations: [] });
    const archived = await raw('POST', '/crm/v3/objects/contacts/batch/archive', { inputs: [{ id: contact.id }] });
    expect(archived.status).toBe(204);
    const error = await apiError(client.crm.objects.basicApi.getById('contacts', contact.id));
    expect(error.code).toBe(404);
    expect(error.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', correlationId: expect.any(String) });
  });

  it(`gets a contact by idProperty=email, case-insensitively (${CONTACTS})`, async () => {
    const { client } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'Mixed.Case@Example.com' }, associations: [] });
    const found = await client.crm.objects.basicApi.getById('contacts', 'mixed.case@example.com', ['email'], undefined, undefined, false, 'email');
    expect(found.id).toBe(contact.id);
  });

  it(`a second contact with the same email (any case) is 409 CONFLICT "Contact already exists. Existing ID: N" (${CONTACTS})`, async () => {
    const { client } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'dup@example.com' }, associations: [] });
    const error = await apiError(client.crm.objects.basicApi.create('contacts', { properties: { email: 'DUP@Example.com' }, associations: [] }));
    expect(error.code).toBe(409);
    expect(error.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${contact.id}` });
    const update = await apiError(
      client.crm.objects.basicApi.create('contacts', { properties: { email: 'other@example.com' }, associations: [] }).then((other) =>
        client.crm.objects.basicApi.update('contacts', other.id, { properties: { email: 'dup@EXAMPLE.com' } }),
      ),
    );
    expect(update.code).toBe(409);
  });

  it(`propertiesWithHistory lists each value newest first with its timestamp and sourceType (${BATCH_READ})`, async () => {
    const { client } = await hubspot();
    const contact = await client.crm.objects.basicApi.create('contacts', { properties: { email: 'h@example.com', firstname: 'v1' }, associations: [] });
    await client.crm.objects.basicApi.update('contacts', contact.id, { properties: { firstname: 'v2' } });
    const updated = await client.crm.objects.basicApi.update('contacts', contact.id, { properties: { firstname: 'v3' } });
    const read = await client.crm.objects.batchApi.read('contacts', { inputs: [{ id: contact.id }], properties: ['firstname'], propertiesWithHistory: ['firstname'] });
    const history = read.results[0]?.propertiesWithHistory?.firstname ?? [];
    expect(history.map((h) => h.value)).toEqual(['v3', 'v2', 'v1']);
    expect(history[0]?.timestamp.toISOString()).toBe(updated.properties.hs_lastmodifieddate);
    expect(history.every((h) => typeof h.sourceType === 'string' && h.sourceType.length > 0)).toBe(true);
    expect(history[2]?.timestamp.toISOString()).toBe(contact.properties.createdate);
  });
});
