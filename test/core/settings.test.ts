import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySettingChange, defaultSettings, knownSettingKeys, parseSettings, type Settings } from '../../src/core/settings.ts';

function settingsFrom(document: unknown): Settings {
  const result = parseSettings(document);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.settings;
}

describe('settings defaults', () => {
  it('fills every default of SPEC section 4 from an empty document', () => {
    const settings = defaultSettings();
    expect(settings.contacts).toEqual({
      onSalesforceUpsert: 'create_or_update_contact',
      hubspotCreatesIn: 'lead',
      onSalesforceDelete: 'do_nothing',
      onOpportunityStage: 'update_lifecycle_stage',
      syncCompanyLifecycle: false,
      inclusionListId: null,
      salesforcePicklists: 'disabled',
      stateCountryMode: 'match_salesforce_defaults',
    });
    for (const section of ['companies', 'deals', 'tickets'] as const) expect(settings[section]).toEqual({ enabled: false, onSalesforceDelete: 'do_nothing' });
    expect(settings.activities.timeline.calls).toBe(false);
    expect(settings.activities.fromSalesforce.tasks).toBe(false);
    expect(settings.customObjects).toEqual([]);
    expect(settings.apiCallAllocation).toBeNull();
  });

  it('keeps given values and defaults the rest of a partial section', () => {
    const settings = settingsFrom({ contacts: { hubspotCreatesIn: 'auto' } });
    expect(settings.contacts.hubspotCreatesIn).toBe('auto');
    expect(settings.contacts.onSalesforceUpsert).toBe('create_or_update_contact');
  });
});

describe('parseSettings errors', () => {
  it('names the field path and the reason', () => {
    const result = parseSettings({ contacts: { hubspotCreatesIn: 'account' }, apiCallAllocation: -5 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((issue) => issue.path);
    expect(paths).toContain('contacts.hubspotCreatesIn');
    expect(paths).toContain('apiCallAllocation');
    expect(result.issues.find((issue) => issue.path === 'apiCallAllocation')?.message).toMatch(/at least 1/);
  });

  it('refuses unknown keys by name, listing the known ones of that section', () => {
    const result = parseSettings({ contacts: { foo: 1 } });
    expect(result).toEqual({ ok: false, issues: [{ path: 'contacts.foo', message: expect.stringMatching(/^unknown setting contacts\.foo; known: contacts\.onSalesforceUpsert, /) }] });
  });

  it('refuses a custom object that is not a __c object and the same object twice', () => {
    const bad = parseSettings({ customObjects: [{ salesforceObject: 'Account', hubspotObjectType: 'p_x' }] });
    expect(bad.ok ? [] : bad.issues.map((issue) => issue.path)).toEqual(['customObjects.0.salesforceObject']);
    const twice = parseSettings({
      customObjects: [
        { salesforceObject: 'Project__c', hubspotObjectType: 'p_projects' },
        { salesforceObject: 'Project__c', hubspotObjectType: 'p_other' },
      ],
    });
    expect(twice.ok).toBe(false);
  });
});

describe('applySettingChange', () => {
  const base = defaultSettings();

  it('sets an enum from text', () => {
    const result = applySettingChange(base, 'contacts.hubspotCreatesIn', ' auto ');
    expect(result.ok && result.settings.contacts.hubspotCreatesIn).toBe('auto');
  });

  it('reads booleans, numbers and null', () => {
    const on = applySettingChange(base, 'companies.enabled', 'true');
    expect(on.ok && on.settings.companies.enabled).toBe(true);
    const allocation = applySettingChange(base, 'apiCallAllocation', '5000');
    expect(allocation.ok && allocation.settings.apiCallAllocation).toBe(5000);
    const cleared = applySettingChange({ ...base, apiCallAllocation: 10 }, 'apiCallAllocation', 'null');
    expect(cleared.ok && cleared.settings.apiCallAllocation).toBeNull();
  });

  it('keeps a numeric list id as text, since list ids are strings', () => {
    const result = applySettingChange(base, 'contacts.inclusionListId', '123');
    expect(result.ok && result.settings.contacts.inclusionListId).toBe('123');
  });

  it('reads JSON objects and arrays for object-valued settings', () => {
    const timeline = applySettingChange(base, 'activities.timeline', '{"calls": true}');
    expect(timeline.ok && timeline.settings.activities.timeline).toMatchObject({ calls: true, notes: false });
    const custom = applySettingChange(base, 'customObjects', '[{"salesforceObject":"Project__c","hubspotObjectType":"p_projects"}]');
    expect(custom.ok && custom.settings.customObjects).toEqual([{ salesforceObject: 'Project__c', hubspotObjectType: 'p_projects', onSalesforceDelete: 'do_nothing', associations: [] }]);
  });

  it('refuses an unknown key by name and changes nothing', () => {
    const before = structuredClone(base);
    const result = applySettingChange(base, 'contacts.foo', 'true');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.message).toMatch(/^unknown setting contacts\.foo; known: .*contacts\.hubspotCreatesIn/);
    expect(base).toEqual(before);
  });

  it('refuses a bad value with the field and the reason, leaving the input untouched', () => {
    const before = structuredClone(base);
    const result = applySettingChange(base, 'contacts.hubspotCreatesIn', 'account');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.path).toBe('contacts.hubspotCreatesIn');
    expect(base).toEqual(before);
    expect(applySettingChange(base, 'apiCallAllocation', 'lots').ok).toBe(false);
    expect(applySettingChange(base, 'activities.timeline', '{"calls": tru}')).toEqual({ ok: false, issues: [{ path: 'activities.timeline', message: expect.stringMatching(/does not parse/) }] });
  });

  it('knows the leaf keys of every section', () => {
    expect(knownSettingKeys()).toEqual(expect.arrayContaining(['contacts.stateCountryMode', 'tickets.onSalesforceDelete', 'activities.fromSalesforce.meetings', 'customObjects', 'apiCallAllocation']));
  });
});

describe('applySettingChange invariants', () => {
  it('property: any key and any text either yields valid settings or changes nothing', () => {
    const keys = knownSettingKeys();
    const text = fc.oneof(fc.constantFrom('true', 'false', 'null', '0', '12', '-3', 'auto', 'lead', '{"calls":true}', '[]', '{', '"x"', 'delete'), fc.string());
    fc.assert(
      fc.property(fc.constantFrom(...keys, 'contacts.foo', 'nope'), text, (key, value) => {
        const before = defaultSettings();
        const snapshot = structuredClone(before);
        const result = applySettingChange(before, key, value);
        expect(before).toEqual(snapshot);
        if (result.ok) expect(parseSettings(result.settings)).toEqual({ ok: true, settings: result.settings });
        else expect(result.issues.length).toBeGreaterThan(0);
      }),
    );
  });
});
