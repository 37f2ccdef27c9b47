import countries from 'i18n-iso-countries';
import { iso31661, iso31662 } from 'iso-3166';

/**
 * The default State and Country/Territory Picklists of a new org. Salesforce publishes its list only as an HTML
 * table (Help: "Standard Countries and Territories for Address Picklists"), so the data is built from ISO 3166
 * with Salesforce's own labels where they differ from the ISO short names. The integration value (the text
 * written into the plain Country/State field) defaults to the label, as in a new org.
 */

export interface PicklistState {
  code: string;
  label: string;
}

export interface PicklistCountry {
  code: string;
  label: string;
  integrationValue: string;
  states: PicklistState[];
}

/** Salesforce's labels where the ISO-derived English short name differs. */
const salesforceCountryLabels: Record<string, string> = {
  US: 'United States',
  GB: 'United Kingdom',
  VN: 'Viet Nam',
  KR: 'Korea, Republic of',
  KP: "Korea, Democratic People's Republic of",
  RU: 'Russian Federation',
  IR: 'Iran, Islamic Republic of',
  BO: 'Bolivia, Plurinational State of',
  VE: 'Venezuela, Bolivarian Republic of',
  TZ: 'Tanzania, United Republic of',
  SY: 'Syrian Arab Republic',
  LA: "Lao People's Democratic Republic",
  MD: 'Moldova, Republic of',
  CD: 'Congo, the Democratic Republic of the',
  CG: 'Congo',
  MK: 'North Macedonia',
  VA: 'Holy See (Vatican City State)',
  PS: 'Palestine',
  TW: 'Taiwan',
  CZ: 'Czechia',
  AX: 'Aland Islands',
};

/** Salesforce ships states for these countries only; other countries accept no state code until an admin adds one. */
const countriesWithStates = ['AU', 'BR', 'CA', 'CN', 'IE', 'IN', 'IT', 'JP', 'MX', 'US'];

function buildCountries(): PicklistCountry[] {
  const parents = new Set(iso31662.map((subdivision) => subdivision.parent));
  return iso31661
    .map((country) => {
      const label = salesforceCountryLabels[country.alpha2] ?? countries.getName(country.alpha2, 'en') ?? country.name;
      // Keep leaf subdivisions: Salesforce lists Italian provinces and Irish counties, not regions and provinces.
      const states = countriesWithStates.includes(country.alpha2)
        ? iso31662
            .filter((subdivision) => subdivision.code.startsWith(`${country.alpha2}-`) && !parents.has(subdivision.code))
            .map((subdivision) => ({ code: subdivision.code.slice(country.alpha2.length + 1), label: subdivision.name }))
            .sort((a, b) => a.label.localeCompare(b.label))
        : [];
      return { code: country.alpha2, label, integrationValue: label, states };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
}

export class AddressPicklists {
  readonly countries: PicklistCountry[] = buildCountries();
  private readonly byCode = new Map(this.countries.map((country) => [country.code, country]));
  private readonly byIntegrationValue = new Map(this.countries.map((country) => [country.integrationValue.toLowerCase(), country]));

  countryByCode(code: string): PicklistCountry | undefined {
    return this.byCode.get(code.toUpperCase());
  }

  countryByIntegrationValue(text: string): PicklistCountry | undefined {
    return this.byIntegrationValue.get(text.trim().toLowerCase());
  }

  stateByCode(country: PicklistCountry, code: string): PicklistState | undefined {
    const wanted = code.toUpperCase();
    return country.states.find((state) => state.code === wanted);
  }

  stateByIntegrationValue(country: PicklistCountry, text: string): PicklistState | undefined {
    const wanted = text.trim().toLowerCase();
    return country.states.find((state) => state.label.toLowerCase() === wanted);
  }
}

let shared: AddressPicklists | undefined;
/** Built once per process: the ISO tables are static and the build walks 5,000 subdivisions. */
export function addressPicklists(): AddressPicklists {
  shared ??= new AddressPicklists();
  return shared;
}
