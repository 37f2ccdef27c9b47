import { describe, expect, it } from 'vitest';
import { iso31661, iso31662 } from 'iso-3166';
import { convertAddressForSalesforce, matchCountry, matchState, salesforceDefaultAddressPicklists } from '../../../src/core/mapping/address.ts';

const enabled = { salesforcePicklists: 'enabled', stateCountryMode: 'match_salesforce_defaults' } as const;
const disabled = { salesforcePicklists: 'disabled', stateCountryMode: 'match_salesforce_defaults' } as const;
const customized = { salesforcePicklists: 'enabled_customized', stateCountryMode: 'match_salesforce_defaults' } as const;

describe('matchCountry', () => {
  it.each(['US', 'USA', 'U.S.', 'U.S.A.', 'United States of America', 'united states', 'america', 'Vereinigte Staaten'])('%s → United States', (text) => {
    expect(matchCountry(text)).toEqual({ code: 'US', label: 'United States' });
  });
  it.each([
    ['UK', 'GB', 'United Kingdom'],
    ['GBR', 'GB', 'United Kingdom'],
    ['Deutschland', 'DE', 'Germany'],
    ['South Korea', 'KR', 'Korea, Republic of'],
    ['Czech Republic', 'CZ', 'Czechia'],
    ['côte d’ivoire', 'CI', expect.any(String)],
    ['Holland', 'NL', 'Netherlands'],
  ])('%s → %s', (text, code, label) => {
    expect(matchCountry(text)).toEqual({ code, label });
  });
  it('matches nothing for nonsense', () => expect(matchCountry('Atlantis')).toBeUndefined());
});

describe('matchState', () => {
  it.each(['CA', 'ca', 'Calif.', 'Calif', 'California', ' california '])('%s → California', (text) => {
    expect(matchState(text, 'US')).toEqual({ code: 'CA', label: 'California', countryCode: 'US' });
  });
  it.each([
    ['Mass.', 'US', 'MA'],
    ['N.Y.', 'US', 'NY'],
    ['W.Va.', 'US', 'WV'],
    ['Washington, D.C.', 'US', 'DC'],
    ['Ont.', 'CA', 'ON'],
    ['Québec', 'CA', 'QC'],
    ['P.E.I.', 'CA', 'PE'],
    ['BC', 'CA', 'BC'],
  ])('%s in %s → %s', (text, country, code) => {
    expect(matchState(text, country)?.code).toBe(code);
  });
  it('matches a state within its country only', () => expect(matchState('Ontario', 'US')).toBeUndefined());
});

describe('convertAddressForSalesforce', () => {
  it('writes picklist codes when picklists are enabled, with the label as canonical value', () => {
    expect(convertAddressForSalesforce({ state: 'Calif.', country: 'USA' }, enabled)).toEqual({
      ok: true,
      state: { canonical: 'California', write: { into: 'code', value: 'CA' } },
      country: { canonical: 'United States', write: { into: 'code', value: 'US' } },
    });
  });

  it('normalises into the text fields when picklists are disabled, and passes unknown text through', () => {
    expect(convertAddressForSalesforce({ state: 'Calif.', country: 'USA' }, disabled)).toEqual({
      ok: true,
      state: { canonical: 'California', write: { into: 'text', value: 'California' } },
      country: { canonical: 'United States', write: { into: 'text', value: 'United States' } },
    });
    const loose = convertAddressForSalesforce({ state: 'Somewhere', country: 'Atlantis' }, disabled);
    expect(loose.ok && [loose.state.write, loose.country.write]).toEqual([
      { into: 'text', value: 'Somewhere' },
      { into: 'text', value: 'Atlantis' },
    ]);
  });

  it('passes everything as-is with sync_as_is', () => {
    const result = convertAddressForSalesforce({ state: 'Calif.', country: 'USA' }, { ...enabled, stateCountryMode: 'sync_as_is' });
    expect(result.ok && [result.state.write, result.country.write]).toEqual([
      { into: 'text', value: 'Calif.' },
      { into: 'text', value: 'USA' },
    ]);
  });

  it('makes an unmatched value a property_value error naming it', () => {
    expect(convertAddressForSalesforce({ state: null, country: 'Atlantis' }, enabled)).toEqual({
      ok: false,
      errors: [{ category: 'property_value', field: 'country', message: 'country "Atlantis" matches no Salesforce country/territory picklist value' }],
    });
    const badState = convertAddressForSalesforce({ state: 'Narnia', country: 'US' }, enabled);
    expect(!badState.ok && badState.errors[0]?.message).toBe('state "Narnia" matches no Salesforce state picklist value of United States');
    const noStates = convertAddressForSalesforce({ state: 'Bavaria', country: 'Germany' }, enabled);
    expect(!noStates.ok && noStates.errors[0]?.message).toMatch(/default picklists list no states for Germany/);
    const noCountry = convertAddressForSalesforce({ state: 'CA', country: '' }, enabled);
    expect(!noCountry.ok && noCountry.errors[0]?.message).toMatch(/has no country/);
  });

  it('lets a customised org decide on values it may have added', () => {
    const result = convertAddressForSalesforce({ state: 'Bavaria', country: 'Germany' }, customized);
    expect(result.ok && [result.state.write, result.country.write]).toEqual([
      { into: 'text', value: 'Bavaria' },
      { into: 'text', value: 'Germany' },
    ]);
  });

  it('clears both with blanks', () => {
    const result = convertAddressForSalesforce({ state: ' ', country: null }, enabled);
    expect(result.ok && [result.state.canonical, result.country.canonical]).toEqual([null, null]);
  });
});

describe('every default picklist value matches itself', () => {
  it('each ISO country by alpha-2, alpha-3 and its Salesforce label', () => {
    const misses = iso31661.flatMap((country) => {
      const label = matchCountry(country.alpha2)?.label ?? '';
      return [country.alpha2, country.alpha3, label].filter((text) => matchCountry(text)?.code !== country.alpha2).map((text) => `${country.alpha2}: ${text}`);
    });
    expect(misses).toEqual([]);
  });

  it('each state of the countries Salesforce ships states for, by code and by label', () => {
    const misses: string[] = [];
    for (const countryCode of ['AU', 'BR', 'CA', 'CN', 'IE', 'IN', 'IT', 'JP', 'MX', 'US']) {
      const leaves = iso31662.filter((subdivision) => subdivision.parent === countryCode || subdivision.parent.startsWith(`${countryCode}-`));
      const parents = new Set(iso31662.map((subdivision) => subdivision.parent));
      for (const subdivision of leaves.filter((candidate) => !parents.has(candidate.code))) {
        const code = subdivision.code.slice(3);
        for (const text of [code, subdivision.name]) if (matchState(text, countryCode)?.code !== code) misses.push(`${subdivision.code}: ${text}`);
      }
    }
    expect(misses).toEqual([]);
  });
});

describe('salesforceDefaultAddressPicklists (data for the Salesforce emulator)', () => {
  const picklists = salesforceDefaultAddressPicklists();

  it('lists every ISO country once, with Salesforce labels where they differ from ISO', () => {
    expect(picklists.countries).toHaveLength(iso31661.length);
    expect(new Set(picklists.countries.map((country) => country.code)).size).toBe(iso31661.length);
    expect(picklists.countries.find((country) => country.code === 'US')).toEqual({ code: 'US', label: 'United States' });
    expect(picklists.countries.find((country) => country.code === 'DE')).toEqual({ code: 'DE', label: 'Germany' });
  });

  it('lists states only for the countries Salesforce ships states for, and survives a JSON round trip', () => {
    expect(new Set(picklists.states.map((state) => state.countryCode))).toEqual(new Set(['AU', 'BR', 'CA', 'CN', 'IE', 'IN', 'IT', 'JP', 'MX', 'US']));
    expect(picklists.states).toContainEqual({ countryCode: 'US', code: 'CA', label: 'California' });
    expect(picklists.states).toContainEqual({ countryCode: 'CA', code: 'QC', label: expect.stringMatching(/^Qu[eé]bec$/) as string });
    expect(JSON.parse(JSON.stringify(picklists))).toEqual(picklists);
  });
});
