/**
 * The settings UI in real Chromium against the real product: `startCrmsync` with its demo emulators, SQLite store
 * and sync engine. Each test changes something through the page as an admin would and checks the result where it
 * lands: the stored settings, the emulators' records after a sync, the files the browser downloads. One browser
 * and one product instance serve the whole file; the tests run in order and build on each other's records.
 * Screenshots of every tab are written to docs/screenshots/ for the README.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { startCrmsync, type RunningCrmsync } from '../../src/cli/start.ts';
import { CountingMeter } from '../../src/connectors/meter.ts';
import { SalesforceClient } from '../../src/connectors/salesforce/client.ts';
import type { ErrorsPage, HealthResponse, ImportStatus, MappingsResponse, SettingsResponse } from '../../src/server/api/contract.ts';
import { emulatorAdmin } from '../helpers/emulator-admin.ts';
import { ensureWebBuilt, eventually, openBrowser, screenshot, type BrowserSession } from './browser.ts';

const XSS = '<img src=x onerror=alert(1)>';

interface HubSpotRecord {
  id: string;
  archived?: boolean;
  properties: Record<string, string | null>;
}

describe('settings UI in Chromium', { timeout: 150_000 }, () => {
  let folder: string;
  let crmsync: RunningCrmsync;
  let browser: BrowserSession;
  let page: Page;
  let salesforce: SalesforceClient;

  // ---- the product, read and written the way a test may: the admin token, the vendors' APIs, the emulators' admin API
  const apiGet = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${crmsync.url}${path}`, { headers: { authorization: `Bearer ${crmsync.adminToken}` } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const setting = async (path: string): Promise<unknown> => {
    const { settings } = await apiGet<SettingsResponse>('/api/settings');
    return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], settings);
  };
  const settingBecomes = (path: string, expected: unknown) => eventually(`${path} = ${JSON.stringify(expected)}`, async () => (JSON.stringify(await setting(path)) === JSON.stringify(expected) ? true : undefined), 10_000);
  const hubspot = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${crmsync.hubspotEmulator!.url}${path}`, {
      method,
      headers: { authorization: 'Bearer ui-test', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`HubSpot ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };
  const createHubSpotContact = async (properties: Record<string, string>): Promise<string> => ((await hubspot('POST', '/crm/v3/objects/contacts', { properties })) as { id: string }).id;
  const hubspotContacts = async (): Promise<HubSpotRecord[]> => ((await emulatorAdmin(crmsync.hubspotEmulator!.url, 'records/contacts')) as { results: HubSpotRecord[] }).results;
  const hubspotContactByEmail = async (email: string) => (await hubspotContacts()).find((record) => !record.archived && record.properties.email === email);
  const salesforceRecords = async (object: string): Promise<Array<Record<string, unknown>>> => ((await emulatorAdmin(crmsync.salesforceEmulator!.url, `records/${object}`)) as { records: Array<Record<string, unknown>> }).records;
  const salesforceByEmail = async (object: string, email: string) => (await salesforceRecords(object)).find((record) => record.Email === email);
  /** A run asked for after the change has ended: whatever it was going to do is done. */
  const syncedAfterNow = () => crmsync.sync.requestRun('ui test');
  /**
   * A setting is read when a cycle starts: a cycle already running keeps the old value. Waiting for the stored value
   * and then for one whole cycle means records created next meet the new setting.
   */
  const settingInForce = async (path: string, expected: unknown) => {
    await settingBecomes(path, expected);
    await syncedAfterNow();
  };

  // ---- the page
  const openTab = async (name: string) => {
    await page.getByRole('tab', { name, exact: true }).click();
    await page.getByRole('tab', { name, exact: true, selected: true }).waitFor();
  };
  const group = (legend: string) => page.getByRole('group', { name: legend, exact: true });
  const choose = async (legend: string, option: string) => {
    await group(legend).getByRole('radio', { name: option, exact: true }).check();
  };
  const clickSyncNow = async () => {
    const asked = page.waitForResponse((response) => response.url().endsWith('/api/sync') && response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Sync now' }).click();
    expect((await asked).status()).toBeLessThan(300);
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    folder = mkdtempSync(join(tmpdir(), 'crmsync-ui-'));
    // The tabs are driven from their defaults here (each test switches on what it shows), not from the demo settings.
    crmsync = await startCrmsync({ dataDir: folder, port: 0, seed: 'demo', demoSettings: false, env: { CRMSYNC_LOG_LEVEL: 'silent' }, pollIntervalMs: 3_600_000, quiet: true });
    await crmsync.initialSync;
    // A Salesforce user's writes, not crmsync's: their change events must wake crmsync (its own are echoes it drops).
    salesforce = new SalesforceClient({ credentials: { kind: 'session', instanceUrl: crmsync.salesforceEmulator!.url, accessToken: 'ui-test' }, apiVersion: '62.0', meter: new CountingMeter(), callClient: 'salesforce-user' });
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
  }, 180_000);

  // A failure says what the service was doing: a stalled run and a missed change look alike from the page.
  beforeEach(() => {
    onTestFailed(async () => {
      const health = await apiGet<HealthResponse>('/api/health').catch((error: unknown) => String(error));
      console.log('sync status at failure:', JSON.stringify(crmsync.sync.status()), '\nhealth:', JSON.stringify(health).slice(0, 2000));
    });
  });

  afterAll(async () => {
    await browser?.close();
    await crmsync?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('refuses a wrong admin token, logs in with the right one, and keeps the session in an HttpOnly, SameSite=Strict cookie', async () => {
    await page.goto(crmsync.url);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('That admin token is not right.').waitFor();
    await screenshot(page, 'login');

    await page.getByLabel('Admin token').fill(crmsync.adminToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('tablist', { name: 'Integration settings' }).waitFor();
    const cookie = (await browser.context.cookies()).find((item) => item.name === 'crmsync_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(crmsync.adminToken);

    // Every tab named by the seed, in its order; arrow keys move between them.
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Sync Health', 'Discover features', 'Contacts', 'Companies', 'Deals', 'Tickets', 'Activities', 'Custom objects']);
    await page.getByRole('tab', { name: 'Sync Health' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'Discover features', selected: true }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('tab', { name: 'Sync Health', selected: true }).waitFor();
  });

  it('Sync Health shows the calls of the last 24 hours and Salesforce’s limit, and Update sets the allocation the budget then uses', async () => {
    await openTab('Sync Health');
    const used = Number((await page.getByTestId('api-used').textContent())!.replace(/,/g, ''));
    expect(used).toBeGreaterThan(0); // the initial sync spent Salesforce calls
    const { apiUsage } = await apiGet<HealthResponse>('/api/health');
    expect(await page.getByTestId('api-limit').textContent()).toBe(apiUsage.salesforceLimit === null ? 'Not reported yet' : apiUsage.salesforceLimit.toLocaleString('en-US'));

    await page.getByLabel('API calls allocated to crmsync (per 24 hours)').fill('0');
    await page.getByRole('button', { name: 'Update' }).click();
    await page.getByText('Enter a whole number of API calls').waitFor();
    expect(await setting('apiCallAllocation')).toBeNull();

    await page.getByLabel('API calls allocated to crmsync (per 24 hours)').fill('50000');
    await page.getByRole('button', { name: 'Update' }).click();
    await page.getByText('Allocation updated to 50,000 calls per 24 hours.').waitFor();
    await settingBecomes('apiCallAllocation', 50_000);
    // Remaining is what the allocation leaves: 50,000 − used (or less, bounded by what the org has left).
    const remaining = await eventually('remaining under the allocation', async () => {
      const text = await page.getByTestId('api-remaining').textContent();
      const value = Number(text!.replace(/,/g, ''));
      return Number.isFinite(value) && value <= 50_000 ? value : undefined;
    });
    expect(remaining).toBeLessThanOrEqual(50_000 - used);
    await page.locator('.chart canvas').first().waitFor();
    await screenshot(page, 'sync-health');

    // At the allocation crmsync stops spending and says so on the page; with room again it carries on.
    const spent = (await apiGet<HealthResponse>('/api/health')).apiUsage.usedLast24h;
    await page.getByLabel('API calls allocated to crmsync (per 24 hours)').fill(String(spent));
    await page.getByRole('button', { name: 'Update' }).click();
    await settingBecomes('apiCallAllocation', spent);
    await createHubSpotContact({ email: 'budget@ui.example.com', firstname: 'Tight', lastname: 'Budget' });
    await clickSyncNow();
    await page.getByText('Holding back at the allocation').waitFor();
    expect((await apiGet<HealthResponse>('/api/health')).apiUsage.usedLast24h).toBe(spent);
    await page.getByLabel('API calls allocated to crmsync (per 24 hours)').fill('50000');
    await page.getByRole('button', { name: 'Update' }).click();
    await settingBecomes('apiCallAllocation', 50_000);
    await clickSyncNow();
    await eventually('the held-back contact in Salesforce', async () => (await salesforceByEmail('Lead', 'budget@ui.example.com')) ?? (await salesforceByEmail('Contact', 'budget@ui.example.com')));
    await eventually('the notice gone', async () => ((await page.getByText('Holding back at the allocation').count()) === 0 ? true : undefined));
  });

  it('Contacts: the duplicate-company warning shows while leads are chosen; "Create or update contact" makes a new HubSpot contact a Salesforce Contact', async () => {
    await openTab('Contacts');
    const inSalesforce = 'When a HubSpot contact is created or updated, in Salesforce:';
    expect(await group(inSalesforce).getByRole('radio', { name: 'Create or update lead' }).isChecked()).toBe(true);
    await page.getByText('Duplicate companies', { exact: true }).waitFor();
    await screenshot(page, 'contacts');

    await choose(inSalesforce, 'Create or update contact');
    await settingInForce('contacts.hubspotCreatesIn', 'contact');
    expect(await page.getByText('Duplicate companies', { exact: true }).count()).toBe(0);

    await createHubSpotContact({ email: 'ada@ui.example.com', firstname: 'Ada', lastname: 'Lovelace' });
    await clickSyncNow();
    const contact = await eventually('a Salesforce Contact for ada@ui.example.com', () => salesforceByEmail('Contact', 'ada@ui.example.com'));
    expect(contact.LastName).toBe('Lovelace');
    expect(await salesforceByEmail('Lead', 'ada@ui.example.com')).toBeUndefined();
  });

  it('Contacts: "Do nothing" keeps a new Salesforce lead out of HubSpot', async () => {
    const inHubSpot = 'When a Salesforce contact or lead is created or updated, in HubSpot:';
    await choose(inHubSpot, 'Do nothing');
    await settingInForce('contacts.onSalesforceUpsert', 'do_nothing');
    const [created] = await salesforce.create('Lead', [{ FirstName: 'Quiet', LastName: 'Lead', Company: 'Nowhere', Email: 'quiet@ui.example.com' }]);
    expect(created!.success).toBe(true);
    await syncedAfterNow();
    expect(await hubspotContactByEmail('quiet@ui.example.com')).toBeUndefined();

    await choose(inHubSpot, 'Create or update contact');
    await settingInForce('contacts.onSalesforceUpsert', 'create_or_update_contact');
    await salesforce.create('Lead', [{ FirstName: 'Loud', LastName: 'Lead', Company: 'Somewhere', Email: 'loud@ui.example.com' }]);
    await clickSyncNow();
    await eventually('a HubSpot contact for the new lead', () => hubspotContactByEmail('loud@ui.example.com'));
  });

  it('Contacts: "Delete contact" deletes the HubSpot contact when its Salesforce record is deleted', async () => {
    await choose('When a Salesforce contact or lead is deleted, in HubSpot:', 'Delete contact');
    await settingInForce('contacts.onSalesforceDelete', 'delete_contact');
    const hubspotContact = await eventually('the HubSpot contact of loud@', () => hubspotContactByEmail('loud@ui.example.com'));
    const lead = await eventually('the lead', () => salesforceByEmail('Lead', 'loud@ui.example.com'));
    await salesforce.delete('Lead', [lead.Id as string]);
    await clickSyncNow();
    await eventually('the HubSpot contact deleted', async () => ((await hubspotContacts()).some((record) => record.id === hubspotContact.id && !record.archived) ? undefined : true));
  });

  it('Contacts: the inclusion list picker lists HubSpot lists (names shown as text) and only members then sync to Salesforce', async () => {
    const members = await createHubSpotContact({ email: 'member@ui.example.com', firstname: 'In', lastname: 'List' });
    const { list } = (await emulatorAdmin(crmsync.hubspotEmulator!.url, 'lists', { name: `${XSS} VIPs`, objectTypeId: '0-1', processingType: 'MANUAL', recordIds: [members] })) as { list: { listId: string } };
    await page.getByRole('button', { name: 'Refresh lists' }).click();
    const picker = page.getByLabel('Inclusion list');
    await eventually('the new list in the picker', async () => ((await picker.locator('option').allTextContents()).some((text) => text.startsWith(`${XSS} VIPs`)) ? true : undefined));
    await picker.selectOption(list.listId);
    await settingInForce('contacts.inclusionListId', list.listId);

    await createHubSpotContact({ email: 'outsider@ui.example.com', firstname: 'Out', lastname: 'Side' });
    await hubspot('PATCH', `/crm/v3/objects/contacts/${members}`, { properties: { jobtitle: 'Member' } });
    await clickSyncNow();
    await eventually('the member in Salesforce', () => salesforceByEmail('Contact', 'member@ui.example.com'));
    await syncedAfterNow();
    expect(await salesforceByEmail('Contact', 'outsider@ui.example.com')).toBeUndefined();
    expect(await salesforceByEmail('Lead', 'outsider@ui.example.com')).toBeUndefined();
    expect(browser.dialogs).toEqual([]);

    await picker.selectOption('');
    await settingInForce('contacts.inclusionListId', null);
  });

  it('Contacts: state and country values are matched to Salesforce’s picklists, and a value that matches none is an error card shown as text', async () => {
    await emulatorAdmin(crmsync.salesforceEmulator!.url, 'config', { stateCountryPicklists: true });
    await choose('In Salesforce:', 'Picklists are enabled in Salesforce');
    await settingInForce('contacts.salesforcePicklists', 'enabled');
    await choose('In HubSpot:', 'Match default Salesforce state/country values when syncing');
    await settingInForce('contacts.stateCountryMode', 'match_salesforce_defaults');

    await createHubSpotContact({ email: 'calif@ui.example.com', firstname: 'Cal', lastname: 'Ifornia', state: 'Calif.', country: 'United States' });
    await createHubSpotContact({ email: 'xss@ui.example.com', firstname: XSS, lastname: XSS, state: XSS, country: 'United States' });
    await clickSyncNow();
    const matched = await eventually('calif@ in Salesforce', () => salesforceByEmail('Contact', 'calif@ui.example.com'));
    expect(matched).toMatchObject({ MailingStateCode: 'CA', MailingCountryCode: 'US' });

    // The card arrives through the live updates: no reload.
    await openTab('Sync Health');
    const xssError = await eventually('the sync error of the unmatched state', async () => {
      const { errors } = await apiGet<ErrorsPage>('/api/errors?limit=200');
      return errors.find((error) => error.message.includes(XSS));
    });
    const { errors: cards } = await apiGet<HealthResponse>('/api/health');
    const title = cards.find((item) => item.type === xssError.type)!.title;
    const card = page.locator('.error-card', { hasText: title });
    await card.first().waitFor();
    await card.first().click();
    const panel = page.locator('#error-panel');
    await panel.getByText(`state "${XSS}"`, { exact: false }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(browser.dialogs).toEqual([]);
    await screenshot(page, 'sync-health-error-details');
  });

  it('the error panel resyncs the selected records and exports the card as CSV', async () => {
    const panel = page.locator('#error-panel');
    const record = panel.getByTestId('error-record').filter({ hasText: XSS }).first();
    await record.getByRole('checkbox').check();
    const resync = page.waitForResponse((response) => response.url().endsWith('/api/errors/resync'));
    await panel.getByRole('button', { name: /^Resync 1 selected$/ }).click();
    expect((await resync).status()).toBe(200);
    await panel.getByText(/^1 record queued for resync/).waitFor();

    const download = page.waitForEvent('download');
    await panel.getByRole('link', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/message/i);
    expect(csv).toContain('matches no Salesforce state picklist value');
    await panel.getByRole('button', { name: 'Close details' }).click();
    expect(await panel.count()).toBe(0);
  });

  it('the mapping editor shows type compatibility before saving, adds a mapping that then syncs, edits its rule and deletes it; defaults cannot be deleted', async () => {
    await hubspot('POST', '/crm/v3/properties/contacts', { name: 'shoe_size', label: 'Shoe size', type: 'number', fieldType: 'number', groupName: 'contactinformation' });
    await hubspot('POST', '/crm/v3/properties/contacts', { name: 'team_name', label: 'Team name', type: 'string', fieldType: 'text', groupName: 'contactinformation' });
    await openTab('Contacts');
    const editor = page.getByRole('region', { name: 'Contact property mappings' });
    // The table loads after the tab opens: wait for the row before counting what it shows.
    await editor.locator('tr[data-property="email"]').getByText('Default').waitFor();
    expect(await editor.locator('tr[data-property="email"]').getByRole('button', { name: /Delete/ }).count()).toBe(0);
    expect(await editor.locator('tr[data-property="email"]').getByText('Default').count()).toBe(1);

    // The form reads both sides live when it opens: the properties created a moment ago are offered.
    await editor.getByRole('button', { name: 'Add mapping' }).click();
    const form = editor.getByRole('form', { name: 'New mapping' });
    await form.getByLabel('HubSpot property').selectOption('shoe_size');
    await form.getByLabel('Salesforce field').selectOption('Department');
    await form.getByText('✗ Not compatible').waitFor();
    expect(await form.getByText('a number property maps only to Salesforce double, int, long, currency or percent fields').count()).toBe(1);
    expect(await form.getByRole('button', { name: 'Save mapping' }).isDisabled()).toBe(true);
    await form.getByLabel('HubSpot property').selectOption('team_name');
    await form.getByText('✓ Compatible: string/text ↔ string').waitFor();
    await form.getByLabel('Sync rule').selectOption('prefer_hubspot_unless_blank');
    await screenshot(editor, 'mapping-editor');
    await form.getByRole('button', { name: 'Save mapping' }).click();
    await editor.locator('tr[data-property="team_name"]').waitFor();
    const saved = await apiGet<MappingsResponse>('/api/mappings/contacts');
    expect(saved.mappings.find((mapping) => mapping.hubspotProperty === 'team_name')).toMatchObject({ salesforceField: 'Department', rule: 'prefer_hubspot_unless_blank', origin: 'custom' });

    // The new mapping takes effect in the next sync (contacts go to Salesforce as Contacts since the test above).
    await createHubSpotContact({ email: 'engines@ui.example.com', firstname: 'Charles', lastname: 'Babbage', team_name: 'Analytical Engines' });
    await clickSyncNow();
    const withTeam = await eventually('engines@ with its department in Salesforce', async () => {
      const found = await salesforceByEmail('Contact', 'engines@ui.example.com');
      return found?.Department ? found : undefined;
    });
    expect(withTeam.Department).toBe('Analytical Engines');

    // Edit: the rule from the row, then the mapping in the form.
    const ruleOf = async (property: string) => (await apiGet<MappingsResponse>('/api/mappings/contacts')).mappings.find((mapping) => mapping.hubspotProperty === property)?.rule;
    await editor.getByLabel('Sync rule for team_name').selectOption('two_way');
    await eventually('rule two_way stored', async () => ((await ruleOf('team_name')) === 'two_way' ? true : undefined));
    await editor.getByRole('button', { name: 'Edit mapping team_name' }).click();
    const edit = editor.getByRole('form', { name: 'Edit mapping team_name' });
    await edit.getByLabel('Sync rule').selectOption('always_use_hubspot');
    await edit.getByRole('button', { name: 'Save mapping' }).click();
    await eventually('rule always_use_hubspot stored', async () => ((await ruleOf('team_name')) === 'always_use_hubspot' ? true : undefined));

    await editor.getByRole('button', { name: 'Delete mapping team_name' }).click();
    await editor.getByRole('button', { name: 'Confirm delete' }).click();
    // The store can answer before the page has rendered the reply: wait for the page's own confirmation, which is
    // rendered together with the new table, before counting rows.
    await editor.getByText('Deleted mapping team_name ↔ Department.').waitFor();
    expect(await editor.locator('tr[data-property="team_name"]').count()).toBe(0);
    expect(await ruleOf('team_name')).toBeUndefined();
  });

  it('Contacts: the lifecycle-stage setting decides whether an opportunity contact role moves the HubSpot contact to Opportunity', async () => {
    const opportunityStage = 'When the stage of an opportunity of a Salesforce contact is updated in Salesforce:';
    const addRole = async (email: string, name: string) => {
      const contact = await eventually(`the Salesforce Contact of ${email}`, () => salesforceByEmail('Contact', email));
      const [opportunity] = await salesforce.create('Opportunity', [{ Name: name, StageName: 'Prospecting', CloseDate: '2030-01-31' }]);
      const [role] = await salesforce.create('OpportunityContactRole', [{ OpportunityId: opportunity!.id, ContactId: contact.Id, Role: 'Decision Maker' }]);
      expect(role!.success).toBe(true);
    };
    const lifecycleOf = async (email: string) => (await hubspotContactByEmail(email))?.properties.lifecyclestage;

    await choose(opportunityStage, 'Do nothing');
    await settingInForce('contacts.onOpportunityStage', 'do_nothing');
    expect(await page.getByRole('switch', { name: 'Sync lifecycle stages of companies' }).isDisabled()).toBe(true);
    await addRole('engines@ui.example.com', 'Difference Engine No. 2');
    await clickSyncNow();
    await syncedAfterNow();
    expect(await lifecycleOf('engines@ui.example.com')).not.toBe('opportunity');

    await choose(opportunityStage, 'Update the contact’s lifecycle stage in HubSpot');
    await settingInForce('contacts.onOpportunityStage', 'update_lifecycle_stage');
    await page.getByRole('switch', { name: 'Sync lifecycle stages of companies' }).check();
    await settingBecomes('contacts.syncCompanyLifecycle', true);
    await addRole('ada@ui.example.com', 'Analytical Engine');
    await clickSyncNow();
    // A loaded CI machine can take several cycles (the role's change event, then the company's contacts) to get there.
    await eventually('ada@ to become an opportunity in HubSpot', async () => ((await lifecycleOf('ada@ui.example.com')) === 'opportunity' ? true : undefined), 90_000);
  });

  it('Sync Health shows a suspension as a banner, and Clear suspension lifts it', async () => {
    await crmsync.store.integrationState.suspend('api_access_disabled', 'API access is disabled for the integration user (API_DISABLED_FOR_ORG)', new Date());
    await openTab('Sync Health');
    await clickSyncNow(); // the run finds the suspension: the phase changes and the page re-reads Sync Health
    const banner = page.getByRole('alert').filter({ hasText: 'Syncing is suspended' });
    await banner.getByText('API access is disabled for the integration user (API_DISABLED_FOR_ORG)').waitFor();
    await screenshot(page, 'sync-health-suspended');
    await banner.getByRole('button', { name: 'Clear suspension' }).click();
    await eventually('the banner gone', async () => ((await banner.count()) === 0 ? true : undefined));
    expect((await crmsync.store.integrationState.read()).suspension).toBeNull();
  });

  for (const [tab, object, hubspotObjects, hubspotObject, salesforceObject] of [
    ['Companies', 'companies', 'companies', 'company', 'account'],
    ['Deals', 'deals', 'deals', 'deal', 'opportunity'],
    ['Tickets', 'tickets', 'tickets', 'ticket', 'case'],
  ] as const) {
    it(`${tab}: the sync toggle and the delete rule are saved, and the field mappings are listed`, async () => {
      await openTab(tab);
      const toggle = page.getByRole('switch', { name: new RegExp(`^Sync HubSpot ${hubspotObjects} with Salesforce`) });
      expect(await toggle.isChecked()).toBe(false);
      await toggle.check();
      await settingBecomes(`${object}.enabled`, true);
      await choose(`When a Salesforce ${salesforceObject} is deleted, in HubSpot:`, `Delete ${hubspotObject}`);
      await settingBecomes(`${object}.onSalesforceDelete`, 'delete');
      const editor = page.getByRole('region', { name: `${hubspotObject[0]!.toUpperCase()}${hubspotObject.slice(1)} field mappings` });
      await editor.locator('tbody tr').first().waitFor();
      await screenshot(page, object);
    });
  }

  it('Activities: each type is switched on and off in both directions', async () => {
    await openTab('Activities');
    await page.getByRole('switch', { name: 'Meetings', exact: true }).check();
    await settingBecomes('activities.timeline.meetings', true);
    await page.getByRole('switch', { name: 'Notes', exact: true }).check();
    await settingBecomes('activities.timeline.notes', true);
    await page.getByRole('switch', { name: 'Salesforce tasks', exact: true }).check();
    await settingBecomes('activities.fromSalesforce.tasks', true);
    await page.getByRole('switch', { name: 'Notes', exact: true }).uncheck();
    await settingBecomes('activities.timeline.notes', false);
    // The two switches with no CRM object behind them say they do not sync, where the admin turns them on.
    await expect(page.getByRole('switch', { name: 'Form submissions', exact: true }).getAttribute('aria-describedby').then((id) => page.locator(`[id="${id}"]`).textContent())).resolves.toMatch(/^Not synced yet/);
    expect(await page.getByRole('switch', { name: 'Meetings', exact: true }).getAttribute('aria-describedby')).toBeNull();
    await screenshot(page, 'activities');
  });

  it('Custom objects: a Salesforce object is added to sync into a HubSpot object; a bad API name is refused before saving', async () => {
    await openTab('Custom objects');
    await page.getByLabel('Salesforce object (API name)').fill('Project');
    await page.getByLabel('HubSpot object type').fill('p_projects');
    await page.getByRole('button', { name: 'Add custom object sync' }).click();
    await page.getByText('A Salesforce custom object’s API name ends in __c').waitFor();
    expect(await setting('customObjects')).toEqual([]);

    await page.getByLabel('Salesforce object (API name)').fill('Project__c');
    await page.getByRole('checkbox', { name: 'companies' }).check();
    await page.getByRole('button', { name: 'Add custom object sync' }).click();
    await settingBecomes('customObjects', [{ salesforceObject: 'Project__c', hubspotObjectType: 'p_projects', onSalesforceDelete: 'do_nothing', associations: ['companies'] }]);
    await page.getByRole('cell', { name: 'Project__c', exact: true }).waitFor();
    await screenshot(page, 'custom-objects');
  });

  it('Discover features links to where each feature is set', async () => {
    await openTab('Discover features');
    await page.getByText('1 syncing').waitFor(); // the custom object added above
    await screenshot(page, 'discover-features');
    await page.getByRole('link', { name: 'Choose activities' }).click();
    await page.getByRole('tab', { name: 'Activities', selected: true }).waitFor();
  });

  it('the import dialog starts an import of Salesforce records and follows its progress live', async () => {
    await page.getByRole('button', { name: 'Import from Salesforce' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import from Salesforce' });
    await dialog.getByLabel('Salesforce object').selectOption('Contact');
    const started = page.waitForResponse((response) => response.url().endsWith('/api/import') && response.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Start import' }).click();
    const response = await started;
    if (response.status() === 501) {
      // The server runs no importer yet: the dialog says so instead of pretending.
      await dialog.getByText('Import is not available in this version of crmsync yet.').waitFor();
      await screenshot(page, 'import');
    } else {
      expect(response.status()).toBe(202);
      const { importId } = (await response.json()) as { importId: string };
      const progress = dialog.getByTestId('import-progress');
      await eventually('the import to finish', async () => ((await progress.getAttribute('data-state')) === 'running' ? undefined : true), 60_000);
      const final = await apiGet<ImportStatus>(`/api/import/${importId}`);
      expect(final.state).toBe('succeeded');
      expect(await progress.getAttribute('data-state')).toBe('succeeded');
      expect(Number((await dialog.getByTestId('import-created').textContent())!.replace(/,/g, '')) + Number((await dialog.getByTestId('import-updated').textContent())!.replace(/,/g, ''))).toBe(final.created + final.updated);
      await screenshot(page, 'import');
    }
    await page.keyboard.press('Escape');
    expect(await dialog.count()).toBe(0);
  });

  it('the header follows the sync live and the page fits a narrow window', async () => {
    await openTab('Sync Health');
    const before = await page.getByTestId('sync-detail').textContent();
    await clickSyncNow();
    await syncedAfterNow();
    await eventually('the last run shown to change without a reload', async () => {
      const now = await page.getByTestId('sync-detail').textContent();
      return now !== before && /Last run/.test(now ?? '') ? true : undefined;
    });

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [tab, name] of [['Sync Health', 'narrow-sync-health'], ['Contacts', 'narrow-contacts']] as const) {
      await openTab(tab);
      await page.getByRole('tab', { name: tab, selected: true }).waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await screenshot(page, name, { fullPage: false });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(browser.pageErrors.filter((message) => !/Failed to load resource/.test(message))).toEqual([]);
    expect(browser.dialogs).toEqual([]);
  });
});
