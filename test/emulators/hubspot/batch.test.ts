import { describe, expect, it } from 'vitest';
import { failure, useHarness } from './helpers.ts';

const h = useHarness();

const contact = (email: string, extra: Record<string, string> = {}) => ({ properties: { email, ...extra }, associations: [] });

describe('HubSpot batch endpoints through @hubspot/api-client', () => {
  it('batch/create answers 201 COMPLETE with every record', async () => {
    const response = await h.client.crm.contacts.batchApi.create({ inputs: [contact('a@example.com'), contact('b@example.com')] });
    expect(response.status).toBe('COMPLETE');
    expect(response.results.map((r) => r.properties.email)).toEqual(['a@example.com', 'b@example.com']);
    expect(response.startedAt).toBeInstanceOf(Date);
    const raw = await h.http('POST', '/crm/v3/objects/contacts/batch/create', { inputs: [contact('c@example.com')] });
    expect(raw.status).toBe(201);
  });

  it('with objectWriteTraceIds, a bad input gives 207: the good ones are written, errors carry the trace id', async () => {
    // Shape from HubSpot's error-handling page, "Multi-status errors" (reliability-security.md §3.3).
    const response = await h.http('POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { properties: { email: 'good@example.com' }, objectWriteTraceId: 't1' },
        { properties: { email: 'bad-email' }, objectWriteTraceId: 't2' },
      ],
    });
    expect(response.status).toBe(207);
    expect(response.body).toMatchObject({ status: 'COMPLETE', numErrors: 1 });
    expect(response.body.results).toHaveLength(1);
    expect(response.body.results[0]).toMatchObject({ objectWriteTraceId: 't1', properties: { email: 'good@example.com' } });
    expect(response.body.errors[0]).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['t2'] } });
    expect(response.body.errors[0].message).toContain('INVALID_EMAIL');

    // The official client accepts the 207 and hands the errors over.
    const viaClient = await h.client.crm.contacts.batchApi.create({
      inputs: [
        { ...contact('second@example.com'), objectWriteTraceId: 't3' },
        { ...contact('good@example.com'), objectWriteTraceId: 't4' },
      ],
    });
    expect(viaClient.results.map((r) => r.properties.email)).toEqual(['second@example.com']);
    expect('errors' in viaClient && viaClient.errors?.[0]?.category).toBe('CONFLICT');
  });

  it('without trace ids, one bad input fails the whole batch and writes nothing', async () => {
    const refused = await failure(h.client.crm.contacts.batchApi.create({ inputs: [contact('fine@example.com'), contact('nope')] }));
    expect(refused.code).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
    expect((await h.admin('GET', 'records/contacts')).body.total).toBe(0);
  });

  it('refuses two creates of one email in the same batch, and more than 100 inputs', async () => {
    const twice = await failure(h.client.crm.contacts.batchApi.create({ inputs: [contact('same@example.com'), contact('SAME@example.com')] }));
    expect(twice.code).toBe(409);
    const tooMany = await failure(h.client.crm.contacts.batchApi.create({ inputs: Array.from({ length: 101 }, (_, i) => contact(`n${i}@example.com`)) }));
    expect(tooMany.code).toBe(400);
    expect(tooMany.body.category).toBe('VALIDATION_ERROR');
  });

  it('batch/read returns what exists and a 207 OBJECT_NOT_FOUND naming the missing ids; by email too', async () => {
    const created = await h.client.crm.contacts.batchApi.create({ inputs: [contact('r1@example.com', { firstname: 'R1' }), contact('r2@example.com')] });
    const [first] = created.results;
    const read = await h.client.crm.contacts.batchApi.read({ inputs: [{ id: first?.id as string }, { id: '999999' }], properties: ['firstname'], propertiesWithHistory: [] });
    expect(read.results.map((r) => r.properties.firstname)).toEqual(['R1']);
    expect('errors' in read && read.errors?.[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['999999'] } });
    const raw = await h.http('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '999999' }], properties: [] });
    expect(raw.status).toBe(207);

    const byEmail = await h.client.crm.contacts.batchApi.read({ inputs: [{ id: 'R2@EXAMPLE.COM' }], idProperty: 'email', properties: ['email'], propertiesWithHistory: [] });
    expect(byEmail.results[0]?.properties.email).toBe('r2@example.com');
    expect(await h.http('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: 'r2@example.com' }], idProperty: 'email' })).toMatchObject({ status: 200 });
  });

  it('batch/update changes only what changed, advancing hs_lastmodifieddate; an unknown id fails the batch', async () => {
    const created = await h.client.crm.companies.batchApi.create({ inputs: [{ properties: { name: 'Acme' }, associations: [] }, { properties: { name: 'Globex' }, associations: [] }] });
    const [acme, globex] = created.results as [(typeof created.results)[number], (typeof created.results)[number]];
    const updated = await h.client.crm.companies.batchApi.update({ inputs: [{ id: acme.id, properties: { city: 'Helsinki' } }, { id: globex.id, properties: { name: 'Globex' } }] });
    const byId = new Map(updated.results.map((r) => [r.id, r]));
    expect(byId.get(acme.id)?.properties.city).toBe('Helsinki');
    expect(Date.parse(byId.get(acme.id)?.properties.hs_lastmodifieddate as string)).toBeGreaterThan(Date.parse(acme.properties.hs_lastmodifieddate as string));
    // An update that sets the same value is not a change.
    expect(byId.get(globex.id)?.properties.hs_lastmodifieddate).toBe(globex.properties.hs_lastmodifieddate);

    const refused = await failure(h.client.crm.companies.batchApi.update({ inputs: [{ id: acme.id, properties: { city: 'Espoo' } }, { id: '424242', properties: { city: 'X' } }] }));
    expect(refused.code).toBe(404);
    expect(refused.body.category).toBe('OBJECT_NOT_FOUND');
    const duplicate = await failure(h.client.crm.companies.batchApi.update({ inputs: [{ id: acme.id, properties: {} }, { id: acme.id, properties: {} }] }));
    expect(duplicate.body.message).toContain('Duplicate IDs');
  });

  it('batch/upsert by email creates and updates, flagging which were new', async () => {
    const existing = await h.client.crm.contacts.basicApi.create(contact('known@example.com', { firstname: 'Old' }));
    const response = await h.client.crm.contacts.batchApi.upsert({
      inputs: [
        { idProperty: 'email', id: 'KNOWN@example.com', properties: { firstname: 'New' } },
        { idProperty: 'email', id: 'fresh@example.com', properties: { firstname: 'Fresh' } },
      ],
    });
    const byEmail = new Map(response.results.map((r) => [r.properties.email?.toLowerCase(), r]));
    expect(byEmail.get('known@example.com')).toMatchObject({ id: existing.id, _new: false, properties: { firstname: 'New' } });
    expect(byEmail.get('fresh@example.com')).toMatchObject({ _new: true, properties: { firstname: 'Fresh', email: 'fresh@example.com' } });
    const raw = await h.http('POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [{ idProperty: 'email', id: 'fresh@example.com', properties: { lastname: 'X' } }] });
    expect(raw.status).toBe(200);
    expect(raw.body.results[0].new).toBe(false);
  });

  it('batch/upsert by a custom unique property, and refuses a property that is not unique', async () => {
    await h.client.crm.properties.coreApi.create('companies', { name: 'erp_id', label: 'ERP id', type: 'string' as never, fieldType: 'text' as never, groupName: 'companyinformation', hasUniqueValue: true });
    const first = await h.client.crm.companies.batchApi.upsert({ inputs: [{ idProperty: 'erp_id', id: 'E-1', properties: { name: 'One' } }] });
    const second = await h.client.crm.companies.batchApi.upsert({ inputs: [{ idProperty: 'erp_id', id: 'E-1', properties: { name: 'Uno' } }] });
    expect(second.results[0]?.id).toBe(first.results[0]?.id);
    expect(second.results[0]?.properties.name).toBe('Uno');
    const refused = await failure(h.client.crm.companies.batchApi.upsert({ inputs: [{ idProperty: 'name', id: 'Uno', properties: {} }] }));
    expect(refused.code).toBe(400);
    expect(refused.body.message).toContain('not a unique identifier property');
  });

  it('batch/archive answers 204 and the records move to archived=true', async () => {
    const created = await h.client.crm.deals.batchApi.create({ inputs: [{ properties: { dealname: 'D1' }, associations: [] }, { properties: { dealname: 'D2' }, associations: [] }] });
    await h.client.crm.deals.batchApi.archive({ inputs: created.results.map((r) => ({ id: r.id })) });
    expect((await h.client.crm.deals.basicApi.getPage(10)).results).toHaveLength(0);
    expect((await h.client.crm.deals.basicApi.getPage(10, undefined, undefined, undefined, undefined, true)).results).toHaveLength(2);
    const raw = await h.http('POST', '/crm/v3/objects/deals/batch/archive', { inputs: [{ id: '1' }] });
    expect(raw.status).toBe(204);
  });

  it('writes thousands of records a second through batch calls', async () => {
    const started = process.hrtime.bigint();
    for (let batch = 0; batch < 20; batch += 1) {
      await h.client.crm.contacts.batchApi.create({ inputs: Array.from({ length: 100 }, (_, i) => contact(`bulk${batch}-${i}@example.com`, { firstname: 'Bulk' })) });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect((await h.admin('GET', 'stats')).body.records.contacts.active).toBe(2000);
    // Not a timing assertion: reported so a regression is visible in the log.
    console.info(`HubSpot emulator: 2,000 contacts through batch/create in ${seconds.toFixed(2)} s`);
  });
});
