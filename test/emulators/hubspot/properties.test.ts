import { describe, expect, it } from 'vitest';
import { failure, useHarness } from './helpers.ts';

const h = useHarness();

describe('HubSpot properties API through @hubspot/api-client', () => {
  it('lists the default contact properties a sync needs, with types and HubSpot’s lifecycle stages', async () => {
    const { results } = await h.client.crm.properties.coreApi.getAll('contacts');
    const byName = new Map(results.map((p) => [p.name, p]));
    for (const name of ['email', 'firstname', 'lastname', 'phone', 'company', 'jobtitle', 'address', 'city', 'state', 'zip', 'country', 'website', 'industry', 'annualrevenue', 'numemployees', 'lifecyclestage', 'hs_lead_status', 'hubspot_owner_id', 'hs_object_id', 'createdate', 'lastmodifieddate', 'hs_lastmodifieddate', 'salesforceleadid', 'salesforcecontactid', 'salesforceaccountid', 'salesforceopportunityid']) {
      expect(byName.has(name), name).toBe(true);
    }
    expect(byName.get('email')?.hasUniqueValue).toBe(true);
    expect(byName.get('lifecyclestage')).toMatchObject({ type: 'enumeration', fieldType: 'radio' });
    expect(byName.get('lifecyclestage')?.options.map((o) => o.value)).toEqual(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']);
    expect(byName.get('createdate')).toMatchObject({ type: 'datetime', fieldType: 'date' });
    expect(byName.get('hs_object_id')?.modificationMetadata?.readOnlyValue).toBe(true);

    const deals = new Set((await h.client.crm.properties.coreApi.getAll('deals')).results.map((p) => p.name));
    for (const name of ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage', 'salesforceopportunityid']) expect(deals.has(name), name).toBe(true);
    const tickets = new Set((await h.client.crm.properties.coreApi.getAll('tickets')).results.map((p) => p.name));
    for (const name of ['subject', 'content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_priority', 'salesforcecaseid']) expect(tickets.has(name), name).toBe(true);
    const notes = await h.client.crm.properties.coreApi.getByName('notes', 'hs_note_body');
    expect(notes.type).toBe('string');
    const tasks = await h.client.crm.properties.coreApi.getByName('tasks', 'hs_timestamp');
    expect(tasks.type).toBe('datetime');
  });

  it('creates (201), reads, updates and archives a custom enumeration property, and validates values against it', async () => {
    const created = await h.client.crm.properties.coreApi.create('contacts', {
      name: 'favourite_colour',
      label: 'Favourite colour',
      type: 'enumeration' as never,
      fieldType: 'select' as never,
      groupName: 'contactinformation',
      options: [
        { label: 'Red', value: 'red', hidden: false, displayOrder: 0 },
        { label: 'Blue', value: 'blue', hidden: false, displayOrder: 1 },
      ],
    });
    expect(created).toMatchObject({ name: 'favourite_colour', type: 'enumeration', fieldType: 'select', hubspotDefined: false });
    expect((await h.http('POST', '/crm/v3/properties/contacts', { name: 'favourite_colour', label: 'Again', type: 'string', fieldType: 'text', groupName: 'contactinformation' })).status).toBe(409);

    await expect(h.client.crm.contacts.basicApi.create({ properties: { favourite_colour: 'blue' }, associations: [] })).resolves.toMatchObject({ properties: { favourite_colour: 'blue' } });
    const refused = await failure(h.client.crm.contacts.basicApi.create({ properties: { favourite_colour: 'green' }, associations: [] }));
    expect(refused.body.message).toContain('INVALID_OPTION');
    expect(refused.body.message).toContain('green was not one of the allowed options');

    const updated = await h.client.crm.properties.coreApi.update('contacts', 'favourite_colour', {
      options: [{ label: 'Red', value: 'red', hidden: false, displayOrder: 0 }, { label: 'Green', value: 'green', hidden: false, displayOrder: 1 }],
    });
    expect(updated.options.map((o) => o.value)).toEqual(['red', 'green']);
    await expect(h.client.crm.contacts.basicApi.create({ properties: { favourite_colour: 'green' }, associations: [] })).resolves.toBeDefined();

    await h.client.crm.properties.coreApi.archive('contacts', 'favourite_colour');
    const gone = await failure(h.client.crm.properties.coreApi.getByName('contacts', 'favourite_colour'));
    expect(gone.code).toBe(404);
    expect((await h.client.crm.properties.coreApi.getAll('contacts', true)).results.map((p) => p.name)).toContain('favourite_colour');
  });

  it('validates each type: multi-checkbox, booleancheckbox, number, datetime', async () => {
    const make = (name: string, type: string, fieldType: string, options?: Array<{ label: string; value: string; hidden: boolean; displayOrder: number }>) =>
      h.client.crm.properties.coreApi.create('companies', { name, label: name, type: type as never, fieldType: fieldType as never, groupName: 'companyinformation', ...(options ? { options } : {}) });
    await make('regions', 'enumeration', 'checkbox', [
      { label: 'EU', value: 'eu', hidden: false, displayOrder: 0 },
      { label: 'US', value: 'us', hidden: false, displayOrder: 1 },
    ]);
    await make('is_partner', 'enumeration', 'booleancheckbox');
    await make('seats', 'number', 'number');
    await make('renewed_at', 'datetime', 'date');

    const ok = await h.client.crm.companies.basicApi.create({ properties: { name: 'Typed', regions: 'eu;us', is_partner: 'true', seats: '12.5', renewed_at: '2026-03-01T10:15:00Z' }, associations: [] });
    expect(ok.properties).toMatchObject({ regions: 'eu;us', is_partner: 'true', seats: '12.5', renewed_at: '2026-03-01T10:15:00.000Z' });
    const epoch = await h.client.crm.companies.basicApi.update(ok.id, { properties: { renewed_at: String(Date.UTC(2026, 3, 1, 8)) } });
    expect(epoch.properties.renewed_at).toBe('2026-04-01T08:00:00.000Z');

    const refused = await failure(h.client.crm.companies.basicApi.create({ properties: { regions: 'eu;asia', is_partner: 'yes', seats: '12 seats', renewed_at: 'soon' }, associations: [] }));
    const listed = JSON.parse((refused.body.message as string).replace(/^Property values were not valid: /, '')) as Array<{ error: string; name: string }>;
    expect(listed.map((p) => `${p.name}:${p.error}`)).toEqual(['regions:INVALID_OPTION', 'is_partner:INVALID_OPTION', 'seats:INVALID_INTEGER', 'renewed_at:INVALID_LONG']);
    expect(refused.body.errors.map((e: { context: { propertyName: string[] } }) => e.context.propertyName[0])).toEqual(['regions', 'is_partner', 'seats', 'renewed_at']);
  });

  it('refuses a property definition HubSpot would refuse, naming the problem', async () => {
    const badField = await h.http('POST', '/crm/v3/properties/contacts', { name: 'x_1', label: 'X', type: 'number', fieldType: 'select', groupName: 'contactinformation' });
    expect(badField.status).toBe(400);
    expect(badField.body.message).toContain('Invalid fieldType select');
    const noOptions = await h.http('POST', '/crm/v3/properties/contacts', { name: 'x_2', label: 'X', type: 'enumeration', fieldType: 'radio', groupName: 'contactinformation' });
    expect(noOptions.body.message).toContain('needs at least one option');
    const badName = await h.http('POST', '/crm/v3/properties/contacts', { name: 'Bad Name', label: 'X', type: 'string', fieldType: 'text', groupName: 'contactinformation' });
    expect(badName.body.message).toContain('Property name Bad Name is invalid');
    const missingLabel = await h.http('POST', '/crm/v3/properties/contacts', { name: 'x_3', type: 'string', fieldType: 'text' });
    expect(missingLabel.status).toBe(400);
    expect(missingLabel.body.message).toContain('label');
  });

  it('refuses an unknown owner id on hubspot_owner_id and accepts a real one', async () => {
    await h.admin('POST', 'seed', { preset: 'demo' });
    const owners = await h.client.crm.owners.ownersApi.getPage();
    const ownerId = owners.results[0]?.id as string;
    await expect(h.client.crm.deals.basicApi.create({ properties: { dealname: 'Owned', hubspot_owner_id: ownerId }, associations: [] })).resolves.toBeDefined();
    const refused = await failure(h.client.crm.deals.basicApi.create({ properties: { dealname: 'Orphan', hubspot_owner_id: '12345' }, associations: [] }));
    expect(refused.body.message).toContain('INVALID_OWNER_ID');
  });
});

describe('HubSpot custom objects through @hubspot/api-client', () => {
  it('creates a schema (objectTypeId 2-…, fullyQualifiedName p<portal>_<name>) and CRUDs its records', async () => {
    await h.admin('POST', 'config', { portalId: 4242 });
    const schema = await h.client.crm.schemas.coreApi.create({
      name: 'cars',
      labels: { singular: 'Car', plural: 'Cars' },
      primaryDisplayProperty: 'model',
      requiredProperties: ['model'],
      searchableProperties: ['model'],
      associatedObjects: ['CONTACT'],
      properties: [
        { name: 'model', label: 'Model', type: 'string' as never, fieldType: 'text' },
        { name: 'vin', label: 'VIN', type: 'string' as never, fieldType: 'text', hasUniqueValue: true },
        { name: 'year', label: 'Year', type: 'number' as never, fieldType: 'number' },
      ],
    });
    expect(schema.objectTypeId).toMatch(/^2-\d+$/);
    expect(schema.fullyQualifiedName).toBe('p4242_cars');
    expect(schema.properties.map((p) => p.name)).toEqual(expect.arrayContaining(['model', 'vin', 'year', 'hs_object_id']));
    expect((await h.client.crm.schemas.coreApi.getAll()).results.map((s) => s.fullyQualifiedName)).toEqual(['p4242_cars']);
    expect((await h.client.crm.schemas.coreApi.getById('p4242_cars')).objectTypeId).toBe(schema.objectTypeId);

    const car = await h.client.crm.objects.basicApi.create(schema.objectTypeId as string, { properties: { model: 'Model T', vin: 'V1', year: '1908' }, associations: [] });
    const byFqn = await h.client.crm.objects.basicApi.getById('p4242_cars', car.id, ['model', 'year']);
    expect(byFqn.properties).toMatchObject({ model: 'Model T', year: '1908' });
    const byVin = await h.client.crm.objects.basicApi.getById('p4242_cars', 'V1', ['model'], undefined, undefined, false, 'vin');
    expect(byVin.id).toBe(car.id);

    const missingRequired = await failure(h.client.crm.objects.basicApi.create('p4242_cars', { properties: { vin: 'V2' }, associations: [] }));
    expect(missingRequired.body.message).toContain('REQUIRED_FIELD');
    const takenVin = await failure(h.client.crm.objects.basicApi.create('p4242_cars', { properties: { model: 'Other', vin: 'V1' }, associations: [] }));
    expect(takenVin.code).toBe(409);
    expect(takenVin.body.message).toContain(`Existing ID: ${car.id}`);

    const upserted = await h.client.crm.objects.batchApi.upsert('p4242_cars', { inputs: [{ idProperty: 'vin', id: 'V1', properties: { year: '1909' } }, { idProperty: 'vin', id: 'V3', properties: { model: 'Beetle' } }] });
    expect(upserted.results.map((r) => r._new).sort()).toEqual([false, true]);
    const found = await h.client.crm.objects.searchApi.doSearch('p4242_cars', { filterGroups: [{ filters: [{ propertyName: 'year', operator: 'GTE' as never, value: '1909' }] }], properties: ['model'], limit: 10 });
    expect(found.results.map((r) => r.properties.model)).toEqual(['Model T']);

    const duplicate = await h.http('POST', '/crm/v3/schemas', { name: 'cars', labels: { singular: 'Car', plural: 'Cars' }, properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }] });
    expect(duplicate.status).toBe(409);
  });
});
