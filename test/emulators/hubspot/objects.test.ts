import { describe, expect, it } from 'vitest';
import { failure, useHarness } from './helpers.ts';

const h = useHarness();

describe('HubSpot objects API through @hubspot/api-client', () => {
  it('creates (201), reads, updates and archives a contact, keeping the modification dates', async () => {
    const created = await h.client.crm.contacts.basicApi.create({ properties: { email: 'ada@example.com', firstname: 'Ada' }, associations: [] });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties).toMatchObject({ email: 'ada@example.com', firstname: 'Ada', hs_object_id: created.id });
    expect(created.properties.createdate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const read = await h.client.crm.contacts.basicApi.getById(created.id, ['firstname', 'phone', 'no_such_property']);
    // Requested properties without a value come back as null, undefined ones not at all (contacts API guide);
    // ids and dates always come back.
    expect(read.properties).toMatchObject({ firstname: 'Ada', phone: null, hs_object_id: created.id });
    expect(read.properties.email).toBeUndefined();
    expect('no_such_property' in read.properties).toBe(false);

    const updated = await h.client.crm.contacts.basicApi.update(created.id, { properties: { lastname: 'Lovelace' } });
    expect(updated.properties.lastname).toBe('Lovelace');
    expect(Date.parse(updated.properties.lastmodifieddate as string)).toBeGreaterThan(Date.parse(created.properties.lastmodifieddate as string));
    expect(updated.properties.hs_lastmodifieddate).toBe(updated.properties.lastmodifieddate);
    expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());

    await h.client.crm.contacts.basicApi.archive(created.id);
    const gone = await failure(h.client.crm.contacts.basicApi.getById(created.id));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    const archived = await h.client.crm.contacts.basicApi.getById(created.id, undefined, undefined, undefined, true);
    expect(archived.archived).toBe(true);
  });

  it('gets a contact by email case-insensitively with idProperty=email', async () => {
    const created = await h.client.crm.contacts.basicApi.create({ properties: { email: 'Grace.Hopper@Example.com' }, associations: [] });
    const found = await h.client.crm.contacts.basicApi.getById('grace.hopper@example.com', ['email'], undefined, undefined, false, 'email');
    expect(found.id).toBe(created.id);
    expect(found.properties.email).toBe('Grace.Hopper@Example.com');
  });

  it('finds a contact by an email longer than 100 characters', async () => {
    const email = `${'long.local.part.'.repeat(8)}x@${'sub.'.repeat(10)}example.com`;
    expect(email.length).toBeGreaterThan(150);
    const created = await h.client.crm.contacts.basicApi.create({ properties: { email }, associations: [] });
    expect((await h.client.crm.contacts.basicApi.getById(email, ['email'], undefined, undefined, false, 'email')).id).toBe(created.id);
  });

  it('refuses a second contact with the same email in other casing: 409 CONFLICT naming the existing id', async () => {
    // Body shape: reliability-security.md §3.1 (HubSpot community thread "Updated 409 Conflict responses").
    const first = await h.client.crm.contacts.basicApi.create({ properties: { email: 'dup@example.com' }, associations: [] });
    const refused = await failure(h.client.crm.contacts.basicApi.create({ properties: { email: 'DUP@example.com' }, associations: [] }));
    expect(refused.code).toBe(409);
    expect(refused.body).toMatchObject({ status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${first.id}` });
    expect(refused.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('pages a list with limit and after, following paging.next until the end', async () => {
    await h.client.crm.companies.batchApi.create({ inputs: Array.from({ length: 25 }, (_, i) => ({ properties: { name: `Company ${i}` }, associations: [] })) });
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.crm.companies.basicApi.getPage(10, after, ['name']);
      seen.push(...page.results.map((r) => r.properties.name as string));
      after = page.paging?.next?.after;
      if (after) expect(page.paging?.next?.link).toContain(`after=${after}`);
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `Company ${i}`));
  });

  it('refuses a list limit above 100', async () => {
    const refused = await h.http('GET', '/crm/v3/objects/contacts?limit=101');
    expect(refused.status).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
  });

  it('keeps per-property history, newest first, with timestamps and source', async () => {
    const created = await h.client.crm.contacts.basicApi.create({ properties: { email: 'hist@example.com', jobtitle: 'Engineer' }, associations: [] });
    await h.client.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: 'CTO' } });
    const read = await h.client.crm.contacts.basicApi.getById(created.id, ['jobtitle'], ['jobtitle']);
    const history = read.propertiesWithHistory?.jobtitle ?? [];
    expect(history.map((e) => e.value)).toEqual(['CTO', 'Engineer']);
    expect(history[0]?.sourceType).toBe('API');
    expect((history[0]?.timestamp as Date).getTime()).toBeGreaterThan((history[1]?.timestamp as Date).getTime());
  });

  it('validates values as HubSpot does, listing every bad value in one VALIDATION_ERROR', async () => {
    const refused = await failure(
      h.client.crm.contacts.basicApi.create({
        properties: { email: 'not-an-email', lifecyclestage: 'prospect', hs_analytics_num_visits: 'many', nosuchproperty: 'x' },
        associations: [],
      }),
    );
    expect(refused.code).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
    // Message shape: "Property values were not valid: [{isValid, message, error, name}]" (HubSpot changelog,
    // "Property Validations Rules will be enforced for APIs and Integrations", 2023).
    const listed = JSON.parse((refused.body.message as string).replace(/^Property values were not valid: /, '')) as Array<{ error: string; name: string }>;
    expect(listed.map((p) => [p.name, p.error])).toEqual([
      ['email', 'INVALID_EMAIL'],
      ['lifecyclestage', 'INVALID_OPTION'],
      ['hs_analytics_num_visits', 'INVALID_INTEGER'],
      ['nosuchproperty', 'PROPERTY_DOESNT_EXIST'],
    ]);
    const stored = await h.admin('GET', 'records/contacts');
    expect(stored.body.total).toBe(0);
  });

  it('refuses an engagement created without hs_timestamp (REQUIRED_FIELD), and keeps it optional on update', async () => {
    // HubSpot's notes guide: "hs_timestamp: Required. This field marks the note's time of creation".
    const refused = await failure(h.client.crm.objects.basicApi.create('notes', { properties: { hs_note_body: 'No time' }, associations: [] }));
    expect(refused.code).toBe(400);
    expect(refused.body.message).toContain('REQUIRED_FIELD');
    const note = await h.client.crm.objects.basicApi.create('notes', { properties: { hs_note_body: 'Timed', hs_timestamp: '2026-03-02T10:00:00.000Z' }, associations: [] });
    const updated = await h.client.crm.objects.basicApi.update('notes', note.id, { properties: { hs_note_body: 'Edited' } });
    expect(updated.properties.hs_note_body).toBe('Edited');
  });

  it('stores dates at midnight UTC and refuses other times with INVALID_DATE', async () => {
    await h.client.crm.properties.coreApi.create('contacts', { name: 'renewal_date', label: 'Renewal date', type: 'date' as never, fieldType: 'date' as never, groupName: 'contactinformation' });
    const ok = await h.client.crm.contacts.basicApi.create({ properties: { renewal_date: String(Date.UTC(2026, 0, 15)) }, associations: [] });
    expect(ok.properties.renewal_date).toBe('2026-01-15');
    const refused = await failure(h.client.crm.contacts.basicApi.create({ properties: { renewal_date: '1606768561954' }, associations: [] }));
    // Wording as HubSpot answered it (hubspot-net/HubSpot.NET issue #98).
    expect(refused.body.message).toContain('1606768561954 is at 20:36:1.954 UTC, not midnight!');
    expect(refused.body.message).toContain('INVALID_DATE');
  });

  it('refuses read-only properties and surrounding whitespace in non-string values', async () => {
    const refused = await failure(h.client.crm.contacts.basicApi.create({ properties: { hs_object_id: '5', lifecyclestage: ' lead' }, associations: [] }));
    expect(refused.body.message).toContain('READ_ONLY_VALUE');
    expect(refused.body.message).toContain('LEADING_TRAILING_WHITESPACE');
  });

  it('merges two contacts into a new record: the primary\'s values stand, gaps are filled, and both old ids answer with it', async () => {
    const primary = await h.client.crm.contacts.basicApi.create({ properties: { email: 'p@example.com', firstname: 'Primary' }, associations: [] });
    const other = await h.client.crm.contacts.basicApi.create({ properties: { email: 'o@example.com', firstname: 'Other', phone: '+1 555' }, associations: [] });
    // The client's discovery layer exposes no merge API; its raw apiRequest sends the documented call.
    const merged = await h.client.crm.contacts.basicApi.merge({ primaryObjectId: primary.id, objectIdToMerge: other.id });
    // HubSpot's developer changelog "Updated merge functionality for contacts and companies": a new record, new id.
    expect(merged.id).not.toBe(primary.id);
    expect(merged.id).not.toBe(other.id);
    expect(merged.properties).toMatchObject({ email: 'p@example.com', firstname: 'Primary', phone: '+1 555', hs_object_id: merged.id, hs_merged_object_ids: `${primary.id};${other.id}` });
    expect(merged.createdAt.getTime()).toBe(primary.createdAt.getTime());
    for (const oldId of [primary.id, other.id]) expect((await h.client.crm.contacts.basicApi.getById(oldId, ['firstname'])).id).toBe(merged.id);
    // The merged contact's email (now an additional email) still finds the merged record.
    const byOldEmail = await h.client.crm.contacts.basicApi.getById('o@example.com', undefined, undefined, undefined, false, 'email');
    expect(byOldEmail.id).toBe(merged.id);
    const list = await h.client.crm.contacts.basicApi.getPage(100);
    expect(list.results.map((r) => r.id)).toEqual([merged.id]);
    // Both records' histories are the merged record's: the primary's value is the current one.
    const history = await h.client.crm.contacts.basicApi.getById(merged.id, undefined, ['firstname']);
    expect(history.propertiesWithHistory?.firstname?.map((entry) => entry.value)).toEqual(['Primary', 'Other', 'Primary']);
  });

  it('answers an unknown object type with 400 and an unknown route with a HubSpot-shaped 404', async () => {
    const type = await h.http('GET', '/crm/v3/objects/widgets');
    expect(type.status).toBe(400);
    expect(type.body.message).toBe('Unable to infer object type from: widgets');
    const route = await h.http('GET', '/crm/v3/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
  });

  it('refuses malformed JSON with HubSpot’s error envelope', async () => {
    const bad = await h.http('POST', '/crm/v3/objects/contacts', '{"properties":');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });
});
