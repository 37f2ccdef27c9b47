/**
 * State and country matching (SPEC section 5): HubSpot's free-text State/Region and Country values turned into
 * what Salesforce's State and Country/Territory Picklists accept.
 *
 * Salesforce's default picklists are ISO 3166: each country and state has a Code (ISO alpha-2, or the ISO
 * 3166-2 suffix for states) and an integration value defaulting to its label, which is the ISO English short
 * name except where Salesforce spells it otherwise ("United States", not "United States of America"). Writing
 * the `…Code` field is the unambiguous way in; Salesforce then fills the text field with the label.
 *
 * Contract:
 * - `matchCountry(text)` / `matchState(text, countryCode)`: codes, alpha-3, names in English and a few other
 *   languages, common spellings ("USA", "U.S.", "UK") and AP-style abbreviations ("Calif.", "Mass.", "Ont.")
 *   → `{ code, label }`, or undefined.
 * - `convertAddressForSalesforce(address, settings)`: for one record's state and country, what to write and the
 *   canonical value to compare and store (the label when matched), or `property_value` errors naming the value.
 *   `sync_as_is` passes values through; picklists `disabled` writes text (normalised when recognised, as-is
 *   otherwise: a plain text field accepts anything); `enabled` writes codes and refuses what it cannot match;
 *   `enabled_customized` writes codes when matched and the text otherwise, for the org's own values to decide.
 */
import countries from 'i18n-iso-countries';
import { iso31661, iso31662 } from 'iso-3166';
import type { ContactsSettings } from '../settings.ts';
import type { CoreSyncError } from '../sync-error.ts';

export interface CountryMatch {
  code: string;
  label: string;
}

export interface StateMatch {
  code: string;
  label: string;
  countryCode: string;
}

/** Salesforce's default labels where the ISO English short name differs (Help: "Standard Countries and Territories"). */
const salesforceCountryLabels = new Map<string, string>([
  ['US', 'United States'],
  ['GB', 'United Kingdom'],
  ['VN', 'Viet Nam'],
  ['KR', 'Korea, Republic of'],
  ['KP', "Korea, Democratic People's Republic of"],
  ['RU', 'Russian Federation'],
  ['IR', 'Iran, Islamic Republic of'],
  ['BO', 'Bolivia, Plurinational State of'],
  ['VE', 'Venezuela, Bolivarian Republic of'],
  ['TZ', 'Tanzania, United Republic of'],
  ['SY', 'Syrian Arab Republic'],
  ['LA', "Lao People's Democratic Republic"],
  ['MD', 'Moldova, Republic of'],
  ['CD', 'Congo, the Democratic Republic of the'],
  ['CG', 'Congo'],
  ['MK', 'North Macedonia'],
  ['VA', 'Holy See (Vatican City State)'],
  ['PS', 'Palestine'],
  ['TW', 'Taiwan'],
  ['CZ', 'Czechia'],
  ['AX', 'Aland Islands'],
]);

/** Spellings people type that no ISO table lists. */
const countrySpellings = new Map<string, string>([
  ['america', 'US'],
  ['united states of america', 'US'],
  ['u s a', 'US'],
  ['great britain', 'GB'],
  ['england', 'GB'],
  ['scotland', 'GB'],
  ['wales', 'GB'],
  ['northern ireland', 'GB'],
  ['holland', 'NL'],
  ['the netherlands', 'NL'],
  ['korea', 'KR'],
  ['russia', 'RU'],
  ['vietnam', 'VN'],
  ['uae', 'AE'],
  ['ivory coast', 'CI'],
]);

/** Salesforce ships states for these countries only; elsewhere a state code has no default picklist value. */
const countriesWithStates = new Set(['AU', 'BR', 'CA', 'CN', 'IE', 'IN', 'IT', 'JP', 'MX', 'US']);

/** AP style abbreviations (and the common undotted forms) of US states and Canadian provinces. */
const apAbbreviations: Record<string, Record<string, string>> = {
  US: {
    ala: 'AL', ariz: 'AZ', ark: 'AR', calif: 'CA', cal: 'CA', colo: 'CO', conn: 'CT', del: 'DE', fla: 'FL', ga: 'GA', ill: 'IL',
    ind: 'IN', kan: 'KS', kans: 'KS', ky: 'KY', la: 'LA', md: 'MD', mass: 'MA', mich: 'MI', minn: 'MN', miss: 'MS', mo: 'MO',
    mont: 'MT', neb: 'NE', nebr: 'NE', nev: 'NV', nh: 'NH', nj: 'NJ', nm: 'NM', ny: 'NY', nc: 'NC', nd: 'ND', okla: 'OK',
    ore: 'OR', oreg: 'OR', pa: 'PA', penn: 'PA', ri: 'RI', sc: 'SC', sd: 'SD', tenn: 'TN', tex: 'TX', vt: 'VT', va: 'VA',
    wash: 'WA', wva: 'WV', wis: 'WI', wyo: 'WY', dc: 'DC', 'washington dc': 'DC', 'washington d c': 'DC',
  },
  CA: { alta: 'AB', bc: 'BC', man: 'MB', nb: 'NB', nfld: 'NL', newfoundland: 'NL', ns: 'NS', ont: 'ON', pei: 'PE', que: 'QC', sask: 'SK', nwt: 'NT', yuk: 'YT' },
};

/** Languages whose country names are matched too ("Deutschland", "España"): the ones crmsync's users write most. */
const nameLanguages = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'];

/** Lower case, no accents, no dots or commas, hyphens as spaces: "U.S." ~ "us", "Québec" ~ "quebec". */
export function addressKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[.,'’()]/g, '')
    .replace(/[-_/]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface AddressIndex {
  countriesByKey: Map<string, CountryMatch>;
  countriesByCode: Map<string, CountryMatch>;
  statesByCountry: Map<string, { byKey: Map<string, StateMatch>; all: StateMatch[] }>;
}

let index: AddressIndex | undefined;

/** Built on first use: the ISO tables are static, and the build walks 5,000 subdivisions once per process. */
function addressIndex(): AddressIndex {
  if (index) return index;
  const countriesByKey = new Map<string, CountryMatch>();
  const countriesByCode = new Map<string, CountryMatch>();
  const add = (key: string, match: CountryMatch): void => {
    const normalised = addressKey(key);
    // First writer wins: codes and Salesforce labels go in before looser aliases.
    if (normalised && !countriesByKey.has(normalised)) countriesByKey.set(normalised, match);
  };
  for (const country of iso31661) {
    const label = salesforceCountryLabels.get(country.alpha2) ?? countries.getName(country.alpha2, 'en') ?? country.name;
    const match = { code: country.alpha2, label };
    countriesByCode.set(country.alpha2, match);
    add(country.alpha2, match);
    add(country.alpha3, match);
    add(label, match);
  }
  for (const country of iso31661) {
    const match = countriesByCode.get(country.alpha2)!;
    add(country.name, match);
    for (const language of nameLanguages) {
      const names = countries.getName(country.alpha2, language, { select: 'all' }) ?? [];
      for (const name of names) add(name, match);
    }
  }
  for (const [spelling, code] of countrySpellings) add(spelling, countriesByCode.get(code)!);

  const parents = new Set(iso31662.map((subdivision) => subdivision.parent));
  const statesByCountry = new Map<string, { byKey: Map<string, StateMatch>; all: StateMatch[] }>();
  for (const countryCode of countriesWithStates) {
    const byKey = new Map<string, StateMatch>();
    const all: StateMatch[] = [];
    // Leaf subdivisions only: Salesforce lists Italian provinces and Irish counties, not regions and provinces.
    for (const subdivision of iso31662) {
      if (!subdivision.code.startsWith(`${countryCode}-`) || parents.has(subdivision.code)) continue;
      const state = { code: subdivision.code.slice(countryCode.length + 1), label: subdivision.name, countryCode };
      all.push(state);
      byKey.set(addressKey(state.code), state);
    }
    for (const state of all) if (!byKey.has(addressKey(state.label))) byKey.set(addressKey(state.label), state);
    for (const [abbreviation, code] of Object.entries(apAbbreviations[countryCode] ?? {})) {
      const state = all.find((candidate) => candidate.code === code);
      if (state && !byKey.has(abbreviation)) byKey.set(abbreviation, state);
    }
    statesByCountry.set(countryCode, { byKey, all });
  }
  index = { countriesByKey, countriesByCode, statesByCountry };
  return index;
}

/**
 * Salesforce's default State and Country/Territory picklists as plain data (code + label), the same tables the
 * matching uses. The Salesforce emulator may not import core (STYLE: an emulator sharing the engine's
 * assumptions cannot catch them), so this is meant to be written out as JSON and reviewed against Salesforce's
 * documentation before the emulator adopts it. Sorted by code, so the output is stable.
 */
export function salesforceDefaultAddressPicklists(): { countries: CountryMatch[]; states: StateMatch[] } {
  const { countriesByCode, statesByCountry } = addressIndex();
  const byCode = (a: { code: string }, b: { code: string }): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const countryList = [...countriesByCode.values()].map((country) => ({ ...country })).sort(byCode);
  const states = [...statesByCountry.keys()]
    .sort()
    .flatMap((countryCode) => [...statesByCountry.get(countryCode)!.all].sort(byCode).map((state) => ({ ...state })));
  return { countries: countryList, states };
}

export function matchCountry(text: string): CountryMatch | undefined {
  return addressIndex().countriesByKey.get(addressKey(text));
}

export function matchState(text: string, countryCode: string): StateMatch | undefined {
  return addressIndex().statesByCountry.get(countryCode.toUpperCase())?.byKey.get(addressKey(text));
}

/** Whether Salesforce's default picklists list states for the country at all. */
export function hasDefaultStates(countryCode: string): boolean {
  return countriesWithStates.has(countryCode.toUpperCase());
}

/** How one address value goes to Salesforce: into the text field, or as a code into the `…Code` field. */
export interface SalesforceAddressValue {
  /** What to compare with and store as last-synced: the Salesforce label when matched, else the text. */
  canonical: string | null;
  write: { into: 'text' | 'code'; value: string | null };
}

export type AddressConversion = { ok: true; state: SalesforceAddressValue; country: SalesforceAddressValue } | { ok: false; errors: CoreSyncError[] };

type AddressSettings = Pick<ContactsSettings, 'salesforcePicklists' | 'stateCountryMode'>;

const asText = (text: string | null): SalesforceAddressValue => ({ canonical: text, write: { into: 'text', value: text } });

export function convertAddressForSalesforce(
  address: { state: string | null | undefined; country: string | null | undefined },
  settings: AddressSettings,
  fields: { state: string; country: string } = { state: 'state', country: 'country' },
): AddressConversion {
  const stateText = blankToNull(address.state);
  const countryText = blankToNull(address.country);
  if (settings.stateCountryMode === 'sync_as_is') return { ok: true, state: asText(stateText), country: asText(countryText) };

  const picklists = settings.salesforcePicklists;
  const errors: CoreSyncError[] = [];
  const unmatched = (field: string, message: string): void => void errors.push({ category: 'property_value', field, message });

  let country = asText(countryText);
  const countryMatch = countryText === null ? undefined : matchCountry(countryText);
  if (countryMatch) country = { canonical: countryMatch.label, write: picklists === 'disabled' ? { into: 'text', value: countryMatch.label } : { into: 'code', value: countryMatch.code } };
  else if (countryText !== null && picklists === 'enabled') unmatched(fields.country, `country "${countryText}" matches no Salesforce country/territory picklist value`);

  let state = asText(stateText);
  if (stateText !== null) {
    // Without a country, a recognisable US state or Canadian province still normalises the text; a picklist
    // write needs the country, which Salesforce requires with any state.
    const stateMatch = countryMatch ? matchState(stateText, countryMatch.code) : (matchState(stateText, 'US') ?? matchState(stateText, 'CA'));
    if (picklists === 'disabled') {
      if (stateMatch) state = asText(stateMatch.label);
    } else if (!countryMatch && countryText === null) {
      if (picklists === 'enabled') unmatched(fields.state, `state "${stateText}" has no country; Salesforce state picklists need one`);
    } else if (stateMatch && countryMatch) {
      state = { canonical: stateMatch.label, write: { into: 'code', value: stateMatch.code } };
    } else if (picklists === 'enabled' && countryMatch) {
      unmatched(
        fields.state,
        hasDefaultStates(countryMatch.code)
          ? `state "${stateText}" matches no Salesforce state picklist value of ${countryMatch.label}`
          : `state "${stateText}" cannot be written: Salesforce's default picklists list no states for ${countryMatch.label}`,
      );
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  // A code written while the partner stays text would be checked against a stale text value: write both as codes or
  // both as text. Only a customised org with an unmatched value reaches the mixed case; then both go as text.
  if (state.write.into !== country.write.into && stateText !== null && countryText !== null) {
    return { ok: true, state: asText(state.canonical), country: asText(country.canonical) };
  }
  return { ok: true, state, country };
}

function blankToNull(text: string | null | undefined): string | null {
  return text === null || text === undefined || text.trim() === '' ? null : text.trim();
}
