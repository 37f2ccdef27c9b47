import { demoWorld, type DemoCompany, type DemoPerson } from '../shared/demo-world.ts';
import { seededRandom } from '../shared/random.ts';
import type { SalesforceOrg } from './org.ts';
import { opportunityStages } from './schema.ts';
import type { StoredRecord } from './store.ts';
import { formatDate, formatDateTime } from './values.ts';

/**
 * Demo data: the shared demo world as a Salesforce org holds it (the same people and companies the HubSpot
 * emulator seeds), with the objects around them a real org has: owners, opportunities with contact roles,
 * cases, activities and campaigns.
 */

/** Sales reps who own the demo records. The HubSpot demo's owners should carry the same emails so owners map. */
export const demoSalesUsers = [
  { FirstName: 'Alex', LastName: 'Morgan', Email: 'alex.morgan@crmsync-demo.example.com', Title: 'Account Executive', IsActive: true },
  { FirstName: 'Bea', LastName: 'Lindqvist', Email: 'bea.lindqvist@crmsync-demo.example.com', Title: 'Account Executive', IsActive: true },
  { FirstName: 'Carlos', LastName: 'Mendes', Email: 'carlos.mendes@crmsync-demo.example.com', Title: 'Sales Development Rep', IsActive: true },
  { FirstName: 'Dana', LastName: 'Whitfield', Email: 'dana.whitfield@crmsync-demo.example.com', Title: 'Sales Manager', IsActive: true },
  // Only in Salesforce: records owned by her have no HubSpot owner to map to.
  { FirstName: 'Eve', LastName: 'Salo', Email: 'eve.salo@crmsync-demo.example.com', Title: 'Support Lead', IsActive: true },
  // Left the company: an owner the sync must not assign new records to (INACTIVE_OWNER_OR_USER).
  { FirstName: 'Frank', LastName: 'Olsen', Email: 'frank.olsen@crmsync-demo.example.com', Title: 'Account Executive', IsActive: false },
];

const day = 24 * 60 * 60 * 1000;

export function seedDemo(org: SalesforceOrg): Record<string, number> {
  const world = demoWorld();
  const random = seededRandom(4242);
  const now = org.now();
  const owners = demoSalesUsers.map((user, index) =>
    org.insertTrusted('User', { ...user, Username: user.Email, Alias: `${user.FirstName.toLowerCase().slice(0, 4)}${index}`, CommunityNickname: user.FirstName }).Id as string,
  );
  const activeOwners = owners.slice(0, 5);
  const ownerOf = (index: number) => activeOwners[index % activeOwners.length] as string;

  // Some leads wait in a queue: their owner is a Group, not a User, and has no counterpart in HubSpot.
  const queue = org.insertTrusted('Group', { Name: 'Unassigned Leads', DeveloperName: 'Unassigned_Leads', Type: 'Queue' }).Id as string;

  const accountIdByCompany = new Map<number, string>();
  for (const company of world.companies.filter((candidate) => candidate.inSalesforce)) {
    accountIdByCompany.set(company.index, org.insertTrusted('Account', accountOf(company, ownerOf(company.index))).Id as string);
  }

  const contactsByAccount = new Map<string, string[]>();
  const leads: string[] = [];
  const contacts: string[] = [];
  for (const person of world.people.filter((candidate) => candidate.inSalesforce)) {
    const copies = person.salesforceDuplicate ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      const accountId = accountIdByCompany.get(person.company.index);
      if (person.salesforceKind === 'Contact' && accountId) {
        const id = org.insertTrusted('Contact', contactOf(person, accountId, ownerOf(person.index))).Id as string;
        contacts.push(id);
        contactsByAccount.set(accountId, [...(contactsByAccount.get(accountId) ?? []), id]);
      } else {
        leads.push(org.insertTrusted('Lead', leadOf(person, person.index % 50 === 49 ? queue : ownerOf(person.index), person.index)).Id as string);
      }
    }
  }

  let opportunities = 0;
  let contactRoles = 0;
  let cases = 0;
  for (const [company, accountId] of accountIdByCompany) {
    const accountContacts = contactsByAccount.get(accountId) ?? [];
    const opportunityCount = company % 3;
    for (let index = 0; index < opportunityCount; index += 1) {
      const stage = opportunityStages[(company + index * 3) % opportunityStages.length] as (typeof opportunityStages)[number];
      const closeDate = formatDate(now + (stage.closed ? -1 : 1) * (5 + Math.floor(random() * 80)) * day);
      const opportunityId = org.insertTrusted('Opportunity', {
        Name: `${world.companies[company]?.name ?? 'Demo'} - ${['New Business', 'Expansion', 'Renewal'][index % 3]}`,
        AccountId: accountId,
        StageName: stage.name,
        CloseDate: closeDate,
        Amount: 5_000 * (1 + Math.floor(random() * 40)),
        Type: index === 0 ? 'New Customer' : 'Existing Customer - Upgrade',
        LeadSource: 'Web',
        OwnerId: ownerOf(company + index),
      }).Id as string;
      opportunities += 1;
      accountContacts.slice(0, 2).forEach((contactId, position) => {
        org.insertTrusted('OpportunityContactRole', { OpportunityId: opportunityId, ContactId: contactId, Role: position === 0 ? 'Decision Maker' : 'Evaluator', IsPrimary: position === 0 });
        contactRoles += 1;
      });
    }
    if (company % 4 === 1 && accountContacts.length > 0) {
      org.insertTrusted('Case', {
        Subject: ['Cannot log in', 'Invoice question', 'Feature request: export', 'Integration error'][company % 4],
        Status: company % 8 === 1 ? 'Closed' : 'New',
        Priority: ['High', 'Medium', 'Low'][company % 3],
        Origin: ['Email', 'Phone', 'Web'][company % 3],
        AccountId: accountId,
        ContactId: accountContacts[0],
        OwnerId: owners[4],
      });
      cases += 1;
    }
  }

  let tasks = 0;
  let events = 0;
  [...contacts.slice(0, 60), ...leads.slice(0, 30)].forEach((whoId, index) => {
    const who = org.store.find(whoId)?.record as StoredRecord;
    org.insertTrusted('Task', {
      Subject: ['Call', 'Send Quote', 'Follow up on demo', 'Other'][index % 4],
      Status: index % 3 === 0 ? 'Completed' : 'Not Started',
      Priority: index % 5 === 0 ? 'High' : 'Normal',
      ActivityDate: formatDate(now + ((index % 14) - 7) * day),
      WhoId: whoId,
      WhatId: who.AccountId ?? null,
      TaskSubtype: index % 4 === 0 ? 'Call' : 'Task',
      OwnerId: who.OwnerId,
    });
    tasks += 1;
    if (index % 3 === 0) {
      const start = Math.floor((now + ((index % 10) - 3) * day) / 3_600_000) * 3_600_000;
      org.insertTrusted('Event', {
        Subject: 'Meeting', StartDateTime: formatDateTime(start), DurationInMinutes: 30 + (index % 3) * 15,
        WhoId: whoId, WhatId: who.AccountId ?? null, Location: 'Video call', OwnerId: who.OwnerId,
      });
      events += 1;
    }
  });

  const campaigns = ['Spring Webinar Series', 'Trade Show Helsinki', 'Q4 Nurture Email'].map((name, index) =>
    org.insertTrusted('Campaign', { Name: name, Type: ['Webinar', 'Seminar / Conference', 'Email'][index], Status: index === 2 ? 'In Progress' : 'Completed', IsActive: index === 2, StartDate: formatDate(now - (60 - index * 20) * day) }).Id as string,
  );
  let members = 0;
  [...leads.slice(0, 40), ...contacts.slice(0, 40)].forEach((personId, index) => {
    const campaignId = campaigns[index % campaigns.length] as string;
    org.insertTrusted('CampaignMember', { CampaignId: campaignId, [personId.startsWith('00Q') ? 'LeadId' : 'ContactId']: personId, Status: index % 4 === 0 ? 'Responded' : 'Sent' });
    members += 1;
  });

  // A few leads were already converted, as in any org that has been used: the Lead stays (read-only, IsConverted)
  // next to the Contact it became, both with the same email.
  const convertible = leads
    .map((id) => org.store.find(id)?.record as StoredRecord)
    .filter((lead) => typeof lead.Email === 'string' && org.store.lookup('Lead', 'Email', lead.Email).length === 1)
    .slice(0, 3);
  convertible.forEach((lead, index) => {
    const result = org.convertLead({ leadId: lead.Id as string, convertedStatus: 'Closed - Converted', doNotCreateOpportunity: index !== 0 });
    contacts.push(result.contactId);
    if (result.opportunityId) {
      opportunities += 1;
      contactRoles += 1;
    }
  });

  const projects = seedProjects(org, [...contactsByAccount].slice(0, 3), ownerOf);

  return {
    Project__c: projects,
    Group: 1,
    User: owners.length, Account: accountIdByCompany.size + convertible.length, Contact: contacts.length, Lead: leads.length, Opportunity: opportunities,
    OpportunityContactRole: contactRoles, Case: cases, Task: tasks, Event: events, Campaign: campaigns.length, CampaignMember: members,
  };
}

/**
 * A custom object for the custom-object sync demo: Project__c, its fields named like the HubSpot demo's p_projects
 * properties (Stage__c ↔ stage), with lookups to an Account and a Contact. It syncs once `customObjects` names it.
 */
function seedProjects(org: SalesforceOrg, accounts: ReadonlyArray<[string, string[]]>, ownerOf: (index: number) => string): number {
  org.defineSchema({
    object: 'Project__c',
    label: 'Project',
    fields: [
      { name: 'Stage__c', type: 'picklist', picklistValues: ['Planned', 'Running', 'Done'] },
      { name: 'Budget__c', type: 'currency' },
      { name: 'Account__c', type: 'reference', referenceTo: ['Account'] },
      { name: 'Contact__c', type: 'reference', referenceTo: ['Contact'] },
    ],
  });
  accounts.forEach(([accountId, contactIds], index) => {
    org.insertTrusted('Project__c', {
      Name: ['Onboarding', 'Data migration', 'Rollout'][index],
      Stage__c: ['Planned', 'Running', 'Done'][index],
      Budget__c: 10_000 * (index + 1),
      Account__c: accountId,
      Contact__c: contactIds[0] ?? null,
      OwnerId: ownerOf(index),
    });
  });
  return accounts.length;
}

function accountOf(company: DemoCompany, ownerId: string): Record<string, unknown> {
  return {
    Name: company.name, Website: company.website, Industry: company.industry, NumberOfEmployees: company.employees,
    AnnualRevenue: company.annualRevenue, Phone: company.phone, BillingStreet: company.street, BillingCity: company.city,
    BillingState: company.state || null, BillingCountry: company.country, Type: 'Prospect', OwnerId: ownerId,
  };
}

function contactOf(person: DemoPerson, accountId: string, ownerId: string): Record<string, unknown> {
  return {
    FirstName: person.firstName, LastName: person.lastName, Email: person.email, Phone: person.phone, Title: person.title, AccountId: accountId,
    MailingStreet: person.street, MailingCity: person.city, MailingState: person.state || null, MailingPostalCode: person.postalCode,
    MailingCountry: person.country, LeadSource: person.leadSource, OwnerId: ownerId,
  };
}

function leadOf(person: DemoPerson, ownerId: string, index: number): Record<string, unknown> {
  return {
    FirstName: person.firstName, LastName: person.lastName, Email: person.email, Phone: person.phone, Title: person.title, Company: person.company.name,
    Street: person.street, City: person.city, State: person.state || null, PostalCode: person.postalCode, Country: person.country,
    LeadSource: person.leadSource, Status: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted'][index % 3], Industry: person.company.industry,
    Website: person.company.website, OwnerId: ownerId,
  };
}

/**
 * Bulk synthetic records for benchmarks (`{"Lead": 50000}`): every required field filled, emails unique,
 * required parents taken round-robin from records already in the org.
 */
export function seedCounts(org: SalesforceOrg, counts: Record<string, number>): Record<string, number> {
  const random = seededRandom(7);
  const created: Record<string, number> = {};
  for (const [objectName, count] of Object.entries(counts)) {
    const def = org.objectOrThrow(objectName);
    const parents = new Map<string, string[]>();
    // A campaign member needs a person though neither LeadId nor ContactId is required on its own.
    const neededReferences = (name: string, required: boolean) => required || (def.name === 'CampaignMember' && name === 'LeadId');
    for (const f of def.fields) {
      if (f.type !== 'reference' || !neededReferences(f.name, f.required)) continue;
      const target = f.referenceTo?.[0] as string;
      const ids = [...org.store.scan(target, false)].map((record) => record.Id as string);
      if (ids.length === 0) throw new Error(`seed ${target} records before ${def.name}: its ${f.name} is required`);
      parents.set(f.name, ids);
    }
    const start = org.store.count(def.name, true);
    for (let index = 0; index < count; index += 1) {
      const n = start + index + 1;
      const values: Record<string, unknown> = syntheticValues(def.name, n, random);
      for (const [fieldName, ids] of parents) values[fieldName] = ids[index % ids.length];
      if (def.custom) values.Name ??= `${def.label} ${n}`;
      org.insertTrusted(def.name, values);
    }
    created[def.name] = (created[def.name] ?? 0) + count;
  }
  return created;
}

const first = ['Ada', 'Ben', 'Cleo', 'Dev', 'Eino', 'Fay', 'Gus', 'Hana', 'Ilja', 'June'];
const last = ['Archer', 'Berg', 'Cruz', 'Diaz', 'Eklund', 'Frost', 'Gray', 'Holm', 'Ito', 'Jokela'];

function syntheticValues(objectName: string, n: number, random: () => number): Record<string, unknown> {
  const person = { FirstName: first[n % 10], LastName: `${last[Math.floor(n / 10) % 10]}${n}` };
  switch (objectName) {
    case 'Lead':
      return { ...person, Company: `Seed Company ${n % 5000}`, Email: `lead${n}@seed.example.com`, LeadSource: 'Purchased List' };
    case 'Contact':
      return { ...person, Email: `contact${n}@seed.example.com` };
    case 'Account':
      return { Name: `Seed Account ${n}`, NumberOfEmployees: 1 + Math.floor(random() * 1000) };
    case 'Opportunity':
      return { Name: `Seed Opportunity ${n}`, StageName: opportunityStages[n % opportunityStages.length]?.name, CloseDate: '2026-12-31', Amount: 1000 * (n % 100) };
    case 'Case':
      return { Subject: `Seed case ${n}` };
    case 'Task':
      return { Subject: `Seed task ${n}` };
    case 'Event':
      return { Subject: `Seed event ${n}`, StartDateTime: '2026-12-01T10:00:00.000+0000', DurationInMinutes: 30 };
    case 'Campaign':
      return { Name: `Seed Campaign ${n}` };
    case 'User':
      return { ...person, Username: `user${n}@seed.example.com`, Email: `user${n}@seed.example.com`, Alias: `u${n}`.slice(0, 8) };
    default:
      return {};
  }
}
