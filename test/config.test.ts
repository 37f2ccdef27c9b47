import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('runs on the emulators with SQLite in ./data when nothing is configured', () => {
    const config = loadConfig({});
    expect(config.hubspot).toEqual({ kind: 'emulator' });
    expect(config.salesforce).toEqual({ kind: 'emulator' });
    expect(config.databaseUrl).toBe('sqlite:./data/crmsync.db');
    expect(config.port).toBe(3000);
  });

  it('uses real systems when both sides have credentials', () => {
    const config = loadConfig({
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-xyz',
      SALESFORCE_INSTANCE_URL: 'https://example.my.salesforce.com',
      SALESFORCE_ACCESS_TOKEN: '00Dxx!token',
      DATABASE_URL: 'postgres://u:p@db/crmsync',
    });
    expect(config.hubspot).toMatchObject({ kind: 'private_app', baseUrl: 'https://api.hubapi.com' });
    expect(config.salesforce).toMatchObject({ kind: 'session', instanceUrl: 'https://example.my.salesforce.com' });
    expect(config.databaseUrl).toBe('postgres://u:p@db/crmsync');
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '99999', DATABASE_URL: 'mysql://x', SALESFORCE_CLIENT_ID: 'id' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT: must be a TCP port/);
    expect(problems).toMatch(/DATABASE_URL: must start with sqlite: or postgres:\/\//);
  });

  it('says which OAuth variables are missing, and refuses half a configuration', () => {
    expect(() => loadConfig({ SALESFORCE_CLIENT_ID: 'id' })).toThrow(/SALESFORCE_CLIENT_SECRET and SALESFORCE_REFRESH_TOKEN/);
    expect(() => loadConfig({ HUBSPOT_ACCESS_TOKEN: 'pat' })).toThrow(/HubSpot credentials are set but Salesforce ones are not/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', HUBSPOT_ACCESS_TOKEN: '' }).port).toBe(3000);
  });
});
