import { seededRandom } from './random.ts';

/**
 * One deterministic demo world that both emulators seed from, so the demo starts with the situations a real
 * first sync meets: people who exist on both sides (matched by email, sometimes with different casing),
 * people on one side only, Salesforce duplicates sharing an email, people without an email, and values in
 * the many spellings admins type ("CA", "Calif.", "California"; "USA", "United States").
 */

export interface DemoCompany {
  index: number;
  name: string;
  domain: string;
  website: string;
  industry: string;
  employees: number;
  annualRevenue: number;
  phone: string;
  street: string;
  city: string;
  /** As typed: a code, a name or an abbreviation. */
  state: string;
  country: string;
  inSalesforce: boolean;
  inHubSpot: boolean;
}

export interface DemoPerson {
  index: number;
  firstName: string;
  lastName: string;
  /** null: this person has no email and must never sync. */
  email: string | null;
  phone: string;
  title: string;
  company: DemoCompany;
  street: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
  leadSource: string;
  inSalesforce: boolean;
  inHubSpot: boolean;
  /** Salesforce side: a Lead (no account) or a Contact under the company's Account. */
  salesforceKind: 'Lead' | 'Contact';
  /** A second Salesforce record with the same email (a duplicate the sync must not double). */
  salesforceDuplicate: boolean;
}

export interface DemoWorld {
  companies: DemoCompany[];
  people: DemoPerson[];
}

const firstNames = ['Aino', 'Maria', 'James', 'Priya', 'Chen', 'Fatima', 'Lucas', 'Sofia', 'Mateo', 'Olivia', 'Noah', 'Emma', 'Liam', 'Ava', 'Kenji', 'Amara', 'Jonas', 'Elif', 'Diego', 'Hannah', 'Omar', 'Zoe', 'Ivan', 'Leila', 'Sam', 'Mia', 'Arjun', 'Grace', 'Tomás', 'Nora'];
const lastNames = ['Virtanen', 'Garcia', 'Smith', 'Patel', 'Wang', 'Khan', 'Müller', 'Rossi', 'Fernández', 'Johnson', 'Brown', 'Kowalski', 'Nguyen', 'Okafor', 'Tanaka', 'Dubois', 'Silva', 'Andersson', "O'Brien", 'Cohen', 'Yilmaz', 'Novak', 'Haddad', 'Kim', 'Lopez', 'Jensen', 'Murphy', 'Schmidt', 'Ivanova', 'Moreau'];
const companyStems = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Wonka', 'Gringotts', 'Aperture', 'Massive', 'Nakatomi', 'Oceanic', 'Pied Piper', 'Monarch', 'Virtucon'];
const companySuffixes = ['Corp', 'Industries', 'Labs', 'Systems', 'Group', 'Holdings', 'Analytics', 'Logistics'];
const industries = ['Technology', 'Manufacturing', 'Healthcare', 'Finance', 'Retail', 'Education', 'Energy', 'Media'];
const titles = ['CEO', 'CTO', 'VP Sales', 'Marketing Manager', 'RevOps Lead', 'Account Executive', 'Engineer', 'Office Manager', 'CFO', 'Head of Support'];
const leadSources = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const streets = ['Main St', 'Market St', 'Oak Ave', 'Mannerheimintie', 'King St W', 'High St', 'Elm St', 'Broadway'];
/** city, state as typed, postal code, country as typed: deliberately mixed spellings. */
const places: Array<[string, string, string, string]> = [
  ['San Francisco', 'CA', '94105', 'United States'],
  ['Los Angeles', 'California', '90012', 'USA'],
  ['San Diego', 'Calif.', '92101', 'US'],
  ['New York', 'NY', '10001', 'United States of America'],
  ['Austin', 'Texas', '73301', 'United States'],
  ['Boston', 'MA', '02108', 'U.S.'],
  ['Toronto', 'Ontario', 'M5H 2N2', 'Canada'],
  ['Vancouver', 'BC', 'V6B 1A1', 'CA'],
  ['Helsinki', '', '00100', 'Finland'],
  ['London', '', 'SW1A 1AA', 'United Kingdom'],
  ['Manchester', '', 'M1 1AE', 'UK'],
  ['Sydney', 'NSW', '2000', 'Australia'],
  ['Berlin', '', '10115', 'Germany'],
  ['Paris', '', '75001', 'France'],
  ['Mexico City', 'CDMX', '06000', 'Mexico'],
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '');
}

export function demoWorld(options: { seed?: number; companies?: number; people?: number } = {}): DemoWorld {
  const random = seededRandom(options.seed ?? 2026);
  const companyCount = options.companies ?? 60;
  const peopleCount = options.people ?? 400;

  const companies: DemoCompany[] = [];
  for (let index = 0; index < companyCount; index += 1) {
    const stem = companyStems[index % companyStems.length] as string;
    const suffix = companySuffixes[Math.floor(index / companyStems.length) % companySuffixes.length] as string;
    const name = `${stem} ${suffix}`;
    const domain = `${slug(stem)}${slug(suffix)}.example.com`;
    const [city, state, , country] = pick(random, places);
    const where = index % 10;
    companies.push({
      index,
      name,
      domain,
      website: `https://www.${domain}`,
      industry: pick(random, industries),
      employees: 10 + Math.floor(random() * 5000),
      annualRevenue: 100_000 * (1 + Math.floor(random() * 2000)),
      phone: `+1 555 ${String(100 + index).padStart(3, '0')} ${String(Math.floor(random() * 10000)).padStart(4, '0')}`,
      street: `${1 + Math.floor(random() * 900)} ${pick(random, streets)}`,
      city,
      state,
      country,
      // 70% on both sides, 20% Salesforce only, 10% HubSpot only.
      inSalesforce: where < 9,
      inHubSpot: where < 7 || where === 9,
    });
  }

  const people: DemoPerson[] = [];
  for (let index = 0; index < peopleCount; index += 1) {
    const firstName = pick(random, firstNames);
    const lastName = pick(random, lastNames);
    const company = companies[index % companies.length] as DemoCompany;
    const [city, state, postalCode, country] = pick(random, places);
    const where = index % 20;
    const hasEmail = index % 37 !== 5;
    const local = `${slug(firstName)}.${slug(lastName)}${index}`;
    people.push({
      index,
      firstName,
      lastName,
      email: hasEmail ? `${local}@${company.domain}` : null,
      phone: `+1 555 ${String(index % 1000).padStart(3, '0')} ${String(Math.floor(random() * 10000)).padStart(4, '0')}`,
      title: pick(random, titles),
      company,
      street: `${1 + Math.floor(random() * 900)} ${pick(random, streets)}`,
      city,
      state,
      postalCode,
      country,
      leadSource: pick(random, leadSources),
      // 50% on both sides, 30% Salesforce only, 20% HubSpot only.
      inSalesforce: where < 16,
      inHubSpot: where < 10 || where >= 16,
      salesforceKind: company.inSalesforce && index % 3 !== 0 ? 'Contact' : 'Lead',
      salesforceDuplicate: hasEmail && index % 41 === 7,
    });
  }
  return { companies, people };
}

/** The HubSpot side sometimes holds an email in other casing: matching must be case-insensitive. */
export function hubspotEmailOf(person: DemoPerson): string | null {
  if (person.email === null) return null;
  return person.index % 9 === 4 ? person.email.toUpperCase() : person.email;
}
