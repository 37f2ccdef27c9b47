import { demoWorld, hubspotEmailOf, type DemoCompany, type DemoPerson } from '../shared/demo-world.ts';
import { demoSalesUsers } from '../salesforce/seed.ts';
import { seededRandom } from '../shared/random.ts';
import type { HubSpotAssociationStore, HubSpotAssociationType } from './ports.ts';
import type { HubSpotOwners } from './owners.ts';
import type { HubSpotStore, StoredRecord, WriteSource } from './store.ts';
import type { HubSpotSchema } from './schema.ts';

/**
 * Seeds: the demo world (the same people and companies the Salesforce emulator seeds, so a first sync meets
 * matches, one-sided records and odd spellings), and bulk counts per object type for benchmarks, written
 * straight into the store (values are generated valid, so the per-write validation is skipped).
 */

/**
 * HubSpot users of the demo portal. Those who sell share their email with the Salesforce demo org's users (the
 * sync maps owners to users by email), the Salesforce-only support lead is left out, and two owners exist only
 * in HubSpot, as in most real portals. The Salesforce list is the one source, so the two cannot drift apart.
 */
export const demoOwners: ReadonlyArray<{ firstName: string; lastName: string; email: string }> = [
  ...demoSalesUsers.filter((u) => u.Title !== 'Support Lead').map((u) => ({ firstName: u.FirstName, lastName: u.LastName, email: u.Email })),
  { firstName: 'Marco', lastName: 'Bianchi', email: 'marco.bianchi@hubspot-only.example.com' },
  { firstName: 'Julia', lastName: 'Weber', email: 'julia.weber@hubspot-only.example.com' },
];

const seedSource: WriteSource = { sourceType: 'IMPORT' };
/** The demo world names industries as Salesforce does; a HubSpot portal holds its own internal values. */
const hubspotIndustry: Record<string, string> = {
  Technology: 'COMPUTER_SOFTWARE',
  Manufacturing: 'INDUSTRIAL_AUTOMATION',
  Healthcare: 'HOSPITAL_HEALTH_CARE',
  Finance: 'FINANCIAL_SERVICES',
  Retail: 'RETAIL',
  Education: 'EDUCATION_MANAGEMENT',
  Energy: 'OIL_ENERGY',
  Media: 'ONLINE_MEDIA',
};
const day = 86_400_000;
const defined = (associationTypeId: number): HubSpotAssociationType => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId });

/** HubSpot-defined association type ids (the official client's AssociationTypes enum). */
const associationTypeIds = {
  contactToCompanyPrimary: 1,
  contactToCompany: 279,
  dealToCompanyPrimary: 5,
  dealToContact: 3,
  ticketToContact: 16,
  ticketToCompanyPrimary: 26,
  engagementToContact: { notes: 202, emails: 198, calls: 194, meetings: 200, tasks: 204 } as Record<string, number>,
};

const lifecycleByIndex = ['subscriber', 'lead', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'lead'];
const leadStatusByIndex = ['NEW', 'OPEN', 'IN_PROGRESS', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'UNQUALIFIED'];
const dealStages = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'];
const products = ['Platform licence', 'Support renewal', 'Onboarding', 'Expansion seats', 'Data add-on'];

export interface SeedContext {
  store: HubSpotStore;
  /** For the demo's custom object type; absent when only records are seeded. */
  schema?: HubSpotSchema;
  owners: HubSpotOwners;
  associations: () => HubSpotAssociationStore | undefined;
}

function create(ctx: SeedContext, typeName: string, values: Record<string, string>, at: number): StoredRecord {
  const type = ctx.store.schema.get(typeName);
  if (!type) throw new Error(`unknown object type ${typeName}`);
  const clean = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
  return ctx.store.create(type, clean, seedSource, at);
}

function isoDay(ms: number): string {
  return new Date(ms - (ms % day)).toISOString();
}

export function seedDemo(ctx: SeedContext): Record<string, number> {
  const world = demoWorld();
  const random = seededRandom(7);
  const at = ctx.store.tick();
  const owners = demoOwners.map((o) => ctx.owners.add({ ...o }));
  const ownerOf = (index: number) => owners[index % owners.length]?.id ?? '';
  const associate = (fromType: string, fromId: string, toType: string, toId: string, types: HubSpotAssociationType[]) =>
    ctx.associations()?.associate(fromType, fromId, toType, toId, types);

  const companyIds = new Map<number, string>();
  for (const company of world.companies.filter((c) => c.inHubSpot)) {
    const record = create(ctx, 'companies', companyValues(company, ownerOf(company.index), at - (90 - (company.index % 90)) * day), at);
    companyIds.set(company.index, record.id);
  }

  const contacts: Array<{ person: DemoPerson; id: string }> = [];
  for (const person of world.people.filter((p) => p.inHubSpot)) {
    const record = create(ctx, 'contacts', personValues(person, ownerOf(person.index), at - (60 - (person.index % 60)) * day), at);
    contacts.push({ person, id: record.id });
    const companyId = companyIds.get(person.company.index);
    if (companyId) {
      associate('contacts', record.id, 'companies', companyId, [defined(associationTypeIds.contactToCompanyPrimary), defined(associationTypeIds.contactToCompany)]);
    }
  }

  let deals = 0;
  for (const [companyIndex, companyId] of companyIds) {
    if (companyIndex % 2 !== 0) continue;
    const company = world.companies[companyIndex] as DemoCompany;
    const stage = dealStages[companyIndex % dealStages.length] as string;
    const closeDate = at + (stage.startsWith('closed') ? -1 : 1) * (5 + Math.floor(random() * 60)) * day;
    const deal = create(
      ctx,
      'deals',
      {
        dealname: `${company.name} - ${products[companyIndex % products.length] ?? 'Deal'}`,
        amount: String(5_000 + Math.floor(random() * 95) * 1_000),
        pipeline: 'default',
        dealstage: stage,
        closedate: new Date(closeDate).toISOString(),
        dealtype: companyIndex % 3 === 0 ? 'existingbusiness' : 'newbusiness',
        hubspot_owner_id: ownerOf(companyIndex),
      },
      at,
    );
    deals += 1;
    associate('deals', deal.id, 'companies', companyId, [defined(associationTypeIds.dealToCompanyPrimary)]);
    const contact = contacts.find((c) => c.person.company.index === companyIndex);
    if (contact) associate('deals', deal.id, 'contacts', contact.id, [defined(associationTypeIds.dealToContact)]);
  }

  let tickets = 0;
  for (const [index, contact] of contacts.entries()) {
    if (index % 7 !== 3) continue;
    const stage = String(1 + (index % 4));
    const ticket = create(
      ctx,
      'tickets',
      {
        subject: `${['Cannot log in', 'Invoice question', 'Feature request: export', 'Sync delay', 'Password reset'][index % 5]} (${contact.person.lastName})`,
        content: 'Reported through the support inbox.',
        hs_pipeline: '0',
        hs_pipeline_stage: stage,
        hs_ticket_priority: ['LOW', 'MEDIUM', 'HIGH', 'URGENT'][index % 4] ?? 'LOW',
        hubspot_owner_id: ownerOf(index),
      },
      at,
    );
    tickets += 1;
    associate('tickets', ticket.id, 'contacts', contact.id, [defined(associationTypeIds.ticketToContact)]);
    const companyId = companyIds.get(contact.person.company.index);
    if (companyId) associate('tickets', ticket.id, 'companies', companyId, [defined(associationTypeIds.ticketToCompanyPrimary)]);
  }

  const engagements: Record<string, number> = { notes: 0, emails: 0, calls: 0, meetings: 0, tasks: 0 };
  for (const [index, contact] of contacts.slice(0, 100).entries()) {
    const kind = ['notes', 'emails', 'calls', 'meetings', 'tasks'][index % 5] as string;
    const when = at - (1 + (index % 30)) * day;
    const record = create(ctx, kind, engagementValues(kind, contact.person, when, ownerOf(index)), at);
    engagements[kind] = (engagements[kind] ?? 0) + 1;
    associate(kind, record.id, 'contacts', contact.id, [defined(associationTypeIds.engagementToContact[kind] as number)]);
  }

  // The custom-object sync demo: Salesforce's Project__c fills this type once `customObjects` names it.
  if (ctx.schema && ctx.schema.resolve('p_projects') === undefined) ctx.schema.createCustomType({
    name: 'projects',
    labels: { singular: 'Project', plural: 'Projects' },
    primaryDisplayProperty: 'project_name',
    associatedObjects: ['CONTACT', 'COMPANY'],
    properties: [
      { name: 'project_name', label: 'Project name', type: 'string', fieldType: 'text' },
      { name: 'stage', label: 'Stage', type: 'enumeration', fieldType: 'select', options: ['Planned', 'Running', 'Done'].map((value, displayOrder) => ({ label: value, value, displayOrder })) },
      { name: 'budget', label: 'Budget', type: 'number', fieldType: 'number' },
      { name: 'salesforce_id', label: 'Salesforce ID', type: 'string', fieldType: 'text' },
    ],
  });

  return { owners: owners.length, companies: companyIds.size, contacts: contacts.length, deals, tickets, ...engagements };
}

function companyValues(company: DemoCompany, ownerId: string, created: number): Record<string, string> {
  return {
    name: company.name,
    domain: company.domain,
    website: company.website,
    industry: hubspotIndustry[company.industry] ?? 'COMPUTER_SOFTWARE',
    numberofemployees: String(company.employees),
    annualrevenue: String(company.annualRevenue),
    phone: company.phone,
    address: company.street,
    city: company.city,
    state: company.state,
    country: company.country,
    hubspot_owner_id: ownerId,
    createdate: isoDay(created),
  };
}

function personValues(person: DemoPerson, ownerId: string, created: number): Record<string, string> {
  return {
    email: hubspotEmailOf(person) ?? '',
    firstname: person.firstName,
    lastname: person.lastName,
    phone: person.phone,
    jobtitle: person.title,
    company: person.company.name,
    address: person.street,
    city: person.city,
    state: person.state,
    zip: person.postalCode,
    country: person.country,
    website: person.company.website,
    lifecyclestage: lifecycleByIndex[person.index % lifecycleByIndex.length] ?? 'lead',
    hs_lead_status: leadStatusByIndex[person.index % leadStatusByIndex.length] ?? 'NEW',
    leadsource: person.leadSource,
    hubspot_owner_id: ownerId,
    createdate: isoDay(created),
  };
}

function engagementValues(kind: string, person: DemoPerson, when: number, ownerId: string): Record<string, string> {
  const hs_timestamp = new Date(when).toISOString();
  const base = { hs_timestamp, hubspot_owner_id: ownerId };
  switch (kind) {
    case 'notes':
      return { ...base, hs_note_body: `<p>Spoke with ${person.firstName} about ${person.company.name}'s renewal.</p>` };
    case 'emails':
      return { ...base, hs_email_subject: `Following up, ${person.firstName}`, hs_email_text: 'Thanks for your time today.', hs_email_direction: 'EMAIL', hs_email_status: 'SENT' };
    case 'calls':
      return { ...base, hs_call_title: `Call with ${person.firstName} ${person.lastName}`, hs_call_body: 'Discussed pricing.', hs_call_duration: '540000', hs_call_direction: 'OUTBOUND', hs_call_status: 'COMPLETED' };
    case 'meetings':
      return { ...base, hs_meeting_title: `Demo for ${person.company.name}`, hs_meeting_body: 'Product walkthrough.', hs_meeting_start_time: hs_timestamp, hs_meeting_end_time: new Date(when + 3_600_000).toISOString(), hs_meeting_outcome: 'COMPLETED' };
    default:
      return { ...base, hs_task_subject: `Send proposal to ${person.firstName}`, hs_task_body: 'Include the onboarding plan.', hs_task_status: 'NOT_STARTED', hs_task_priority: 'MEDIUM', hs_task_type: 'TODO' };
  }
}

const firstNames = ['Ada', 'Ben', 'Cleo', 'Dev', 'Eva', 'Finn', 'Gia', 'Hugo', 'Ines', 'Jon'];
const lastNames = ['Lind', 'Moss', 'Nash', 'Ortiz', 'Park', 'Quinn', 'Reyes', 'Stone', 'Tran', 'Udo'];

/** Bulk records for benchmarks: `{"contacts": 50000}` writes fifty thousand valid contacts in one go. */
export function seedCounts(ctx: SeedContext, counts: Record<string, number>): Record<string, number> {
  const at = ctx.store.tick();
  const created: Record<string, number> = {};
  for (const [requested, count] of Object.entries(counts)) {
    const typeName = ctx.store.resolveObjectType(requested);
    const type = typeName === undefined ? undefined : ctx.store.schema.get(typeName);
    if (!type) throw new Error(`unknown object type ${requested}`);
    for (let n = 0; n < count; n += 1) {
      const serial = `${at.toString(36)}${n}`;
      const first = firstNames[n % firstNames.length] as string;
      const last = lastNames[Math.floor(n / firstNames.length) % lastNames.length] as string;
      let values: Record<string, string>;
      switch (type.name) {
        case 'contacts':
          values = { email: `bench.${serial}@bench.example.com`, firstname: first, lastname: last, lifecyclestage: 'lead' };
          break;
        case 'companies':
          values = { name: `Bench Company ${serial}`, domain: `bench-${serial}.example.com` };
          break;
        case 'deals':
          values = { dealname: `Bench Deal ${serial}`, amount: String(1000 + (n % 100) * 100), pipeline: 'default', dealstage: dealStages[n % 5] as string };
          break;
        case 'tickets':
          values = { subject: `Bench Ticket ${serial}`, hs_pipeline: '0', hs_pipeline_stage: '1' };
          break;
        default: {
          values = type.properties.has('hs_timestamp') ? { hs_timestamp: new Date(at).toISOString() } : {};
          const primary = type.properties.get(type.primaryDisplayProperty);
          if (primary && primary.type === 'string' && !primary.readOnlyValue) values[primary.name] = `Bench ${type.singular} ${serial}`;
          for (const required of type.requiredProperties) values[required] ??= `Bench ${required} ${serial}`;
        }
      }
      ctx.store.create(type, values, seedSource, at, { announce: 'creation' });
    }
    created[type.name] = (created[type.name] ?? 0) + count;
  }
  return created;
}

const enumerationFilter = (property: string, values: string[]) => ({
  filterBranchType: 'OR',
  filters: [],
  filterBranches: [{ filterBranchType: 'AND', filterBranches: [], filters: [{ filterType: 'PROPERTY', property, operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values } }] }],
});

/**
 * The demo's lists, as the lists module's admin route takes them: a manual inclusion list (the "sync only these
 * contacts" setting of SPEC section 5) holding the contacts past the subscriber stage, and dynamic lists that
 * follow record changes.
 */
export function demoLists(store: HubSpotStore) {
  const engaged = [...store.records('contacts').values()].filter((r) => !r.archived && r.values.lifecyclestage !== 'subscriber').map((r) => r.id);
  return [
    { name: 'Sync to Salesforce', objectTypeId: '0-1', processingType: 'MANUAL', recordIds: engaged },
    { name: 'Customers', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: enumerationFilter('lifecyclestage', ['customer']) },
    { name: 'Technology companies', objectTypeId: '0-2', processingType: 'DYNAMIC', filterBranch: enumerationFilter('industry', ['COMPUTER_SOFTWARE']) },
  ];
}
