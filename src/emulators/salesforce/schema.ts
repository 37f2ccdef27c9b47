import type { SalesforceFieldType, SoqlChildRelationship, SoqlField, SoqlObject } from './soql-source.ts';

/**
 * The org's schema: the standard objects a HubSpot sync touches, with the fields, lengths, required flags and
 * picklists of a new Enterprise org (Object Reference for Salesforce, one page per object), plus custom objects
 * and fields an admin adds through the emulator's admin API.
 */

export interface FieldDefinition extends SoqlField {
  label: string;
  length: number;
  /** Salesforce's "required on create": not nillable, createable, and not defaulted on create. */
  required: boolean;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  externalId: boolean;
  unique: boolean;
  custom: boolean;
  /** Set by the platform on create when the caller gives no value. */
  defaultValue?: string | number | boolean;
  picklistValues?: string[];
  restrictedPicklist?: boolean;
  /** Only exists when the org has State and Country/Territory Picklists switched on. */
  addressPicklist?: 'state' | 'country';
  precision?: number;
  scale?: number;
}

export interface ObjectDefinition extends SoqlObject {
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: FieldDefinition[];
  childRelationships: SoqlChildRelationship[];
  /** The field `Name` is computed from, for objects whose Name is not typed in (Lead, Contact, User). */
  compoundName?: boolean;
}

type FieldOptions = Partial<Omit<FieldDefinition, 'name' | 'type'>>;

function field(name: string, type: SalesforceFieldType, options: FieldOptions = {}): FieldDefinition {
  const required = options.required ?? false;
  const createable = options.createable ?? true;
  return {
    name,
    type,
    label: options.label ?? labelOf(name),
    length: options.length ?? 0,
    required,
    nillable: options.nillable ?? (!required && type !== 'boolean'),
    createable,
    updateable: options.updateable ?? createable,
    externalId: options.externalId ?? false,
    unique: options.unique ?? false,
    custom: options.custom ?? name.endsWith('__c'),
    ...options,
  };
}

function labelOf(apiName: string): string {
  const bare = apiName.replace(/__c$/, '').replace(/Id$/, ' ID').replace(/_/g, ' ');
  return bare.replace(/([a-z])([A-Z])/g, '$1 $2').trim();
}

const text = (name: string, length: number, options: FieldOptions = {}) => field(name, 'string', { length, ...options });
const readOnly: FieldOptions = { createable: false, updateable: false };
const picklist = (name: string, values: string[], options: FieldOptions = {}) =>
  field(name, 'picklist', { length: 255, picklistValues: values, ...options });
const reference = (name: string, referenceTo: string[], relationshipName: string, options: FieldOptions = {}) =>
  field(name, 'reference', { length: 18, referenceTo, relationshipName, ...options });

/** `queues`: the owner may also be a queue (a Group of Type Queue), as for Leads, Cases and custom objects. */
function systemFields(options: { owner: boolean; queues?: boolean }): FieldDefinition[] {
  const fields = [
    field('Id', 'id', { length: 18, ...readOnly, nillable: false, label: 'Record ID' }),
    field('IsDeleted', 'boolean', { ...readOnly, label: 'Deleted' }),
    field('CreatedDate', 'datetime', { ...readOnly, nillable: false }),
    reference('CreatedById', ['User'], 'CreatedBy', { ...readOnly, nillable: false }),
    field('LastModifiedDate', 'datetime', { ...readOnly, nillable: false }),
    reference('LastModifiedById', ['User'], 'LastModifiedBy', { ...readOnly, nillable: false }),
    field('SystemModstamp', 'datetime', { ...readOnly, nillable: false, label: 'System Modstamp' }),
  ];
  if (options.owner) fields.push(reference('OwnerId', options.queues ? ['Group', 'User'] : ['User'], 'Owner', { nillable: false, label: 'Owner ID' }));
  return fields;
}

/** Street, City, State, PostalCode, Country and, with the address picklists on, StateCode and CountryCode. */
function addressFields(prefix: string): FieldDefinition[] {
  return [
    field(`${prefix}Street`, 'textarea', { length: 255 }),
    text(`${prefix}City`, 40),
    text(`${prefix}State`, 80, { label: `${prefix ? `${prefix} ` : ''}State/Province` }),
    text(`${prefix}PostalCode`, 20, { label: `${prefix ? `${prefix} ` : ''}Zip/Postal Code` }),
    text(`${prefix}Country`, 80),
    picklist(`${prefix}StateCode`, [], { addressPicklist: 'state', label: `${prefix ? `${prefix} ` : ''}State/Province Code` }),
    picklist(`${prefix}CountryCode`, [], { addressPicklist: 'country', label: `${prefix ? `${prefix} ` : ''}Country Code` }),
  ];
}

const industries = ['Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage', 'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit', 'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation', 'Utilities', 'Other'];
const leadSources = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const salutations = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'];
export const opportunityStages: Array<{ name: string; probability: number; closed: boolean; won: boolean; forecast: string }> = [
  { name: 'Prospecting', probability: 10, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Qualification', probability: 10, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Needs Analysis', probability: 20, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Value Proposition', probability: 50, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Id. Decision Makers', probability: 60, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Perception Analysis', probability: 70, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Proposal/Price Quote', probability: 75, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Negotiation/Review', probability: 90, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Closed Won', probability: 100, closed: true, won: true, forecast: 'Closed' },
  { name: 'Closed Lost', probability: 0, closed: true, won: false, forecast: 'Omitted' },
];
export const leadStatuses = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'];
export const convertedLeadStatus = 'Closed - Converted';
const closedCaseStatuses = ['Closed'];
const closedTaskStatuses = ['Completed'];

const whoTargets = ['Contact', 'Lead'];
const whatTargets = ['Account', 'Opportunity', 'Case', 'Campaign'];

function standardObjects(): Array<Omit<ObjectDefinition, 'childRelationships'>> {
  return [
    {
      name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005', custom: false, compoundName: true,
      fields: [
        ...systemFields({ owner: false }),
        text('Username', 80, { required: true, unique: true }),
        text('FirstName', 40),
        text('LastName', 80, { required: true }),
        text('Name', 121, { ...readOnly, label: 'Full Name' }),
        text('Alias', 8, { required: true }),
        field('Email', 'email', { length: 80, required: true }),
        text('Title', 80),
        text('Department', 80),
        field('Phone', 'phone', { length: 40 }),
        field('IsActive', 'boolean', { defaultValue: true, label: 'Active' }),
        text('CommunityNickname', 40),
        picklist('TimeZoneSidKey', ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Helsinki', 'GMT'], { defaultValue: 'America/Los_Angeles', label: 'Time Zone' }),
      ],
    },
    {
      // Queues live here: records owned by a queue have no user owner to map to the other system.
      name: 'Group', label: 'Group', labelPlural: 'Groups', keyPrefix: '00G', custom: false,
      fields: [
        ...systemFields({ owner: false }),
        text('Name', 40, { required: true, label: 'Label' }),
        text('DeveloperName', 80, { label: 'Developer Name' }),
        picklist('Type', ['Queue', 'Regular'], { required: true, restrictedPicklist: true }),
        field('Email', 'email', { length: 80 }),
      ],
    },
    {
      name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001', custom: false,
      fields: [
        ...systemFields({ owner: true }),
        text('Name', 255, { required: true, label: 'Account Name' }),
        picklist('Type', ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'], { label: 'Account Type' }),
        reference('ParentId', ['Account'], 'Parent'),
        reference('MasterRecordId', ['Account'], 'MasterRecord', readOnly),
        ...addressFields('Billing'),
        ...addressFields('Shipping'),
        field('Phone', 'phone', { length: 40, label: 'Account Phone' }),
        field('Fax', 'phone', { length: 40, label: 'Account Fax' }),
        text('AccountNumber', 40),
        field('Website', 'url', { length: 255 }),
        picklist('Industry', industries),
        field('AnnualRevenue', 'currency', { precision: 18, scale: 0 }),
        field('NumberOfEmployees', 'int', { label: 'Employees' }),
        field('Description', 'textarea', { length: 32000, label: 'Account Description' }),
        text('Site', 80, { label: 'Account Site' }),
        picklist('AccountSource', leadSources),
      ],
    },
    {
      name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: '003', custom: false, compoundName: true,
      fields: [
        ...systemFields({ owner: true }),
        picklist('Salutation', salutations),
        text('FirstName', 40),
        text('LastName', 80, { required: true }),
        text('Name', 121, { ...readOnly, label: 'Full Name' }),
        reference('AccountId', ['Account'], 'Account'),
        reference('ReportsToId', ['Contact'], 'ReportsTo'),
        reference('MasterRecordId', ['Contact'], 'MasterRecord', readOnly),
        text('Title', 128),
        text('Department', 80),
        field('Email', 'email', { length: 80 }),
        field('Phone', 'phone', { length: 40, label: 'Business Phone' }),
        field('MobilePhone', 'phone', { length: 40 }),
        field('HomePhone', 'phone', { length: 40 }),
        field('Fax', 'phone', { length: 40, label: 'Business Fax' }),
        ...addressFields('Mailing'),
        ...addressFields('Other'),
        picklist('LeadSource', leadSources),
        field('Birthdate', 'date'),
        field('Description', 'textarea', { length: 32000, label: 'Contact Description' }),
        field('HasOptedOutOfEmail', 'boolean', { defaultValue: false, label: 'Email Opt Out' }),
        field('DoNotCall', 'boolean', { defaultValue: false }),
      ],
    },
    {
      name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q', custom: false, compoundName: true,
      fields: [
        ...systemFields({ owner: true, queues: true }),
        picklist('Salutation', salutations),
        text('FirstName', 40),
        text('LastName', 80, { required: true }),
        text('Name', 121, { ...readOnly, label: 'Full Name' }),
        text('Title', 128),
        text('Company', 255, { required: true }),
        ...addressFields(''),
        field('Phone', 'phone', { length: 40 }),
        field('MobilePhone', 'phone', { length: 40 }),
        field('Fax', 'phone', { length: 40 }),
        field('Email', 'email', { length: 80 }),
        field('Website', 'url', { length: 255 }),
        field('Description', 'textarea', { length: 32000 }),
        picklist('LeadSource', leadSources),
        picklist('Status', leadStatuses, { required: false, nillable: false, defaultValue: 'Open - Not Contacted', restrictedPicklist: true, label: 'Lead Status' }),
        picklist('Industry', industries),
        picklist('Rating', ['Hot', 'Warm', 'Cold']),
        field('AnnualRevenue', 'currency', { precision: 18, scale: 0 }),
        field('NumberOfEmployees', 'int', { label: 'Employees' }),
        field('HasOptedOutOfEmail', 'boolean', { defaultValue: false, label: 'Email Opt Out' }),
        field('DoNotCall', 'boolean', { defaultValue: false }),
        field('IsConverted', 'boolean', { ...readOnly, label: 'Converted' }),
        field('ConvertedDate', 'date', readOnly),
        reference('ConvertedAccountId', ['Account'], 'ConvertedAccount', readOnly),
        reference('ConvertedContactId', ['Contact'], 'ConvertedContact', readOnly),
        reference('ConvertedOpportunityId', ['Opportunity'], 'ConvertedOpportunity', readOnly),
        field('IsUnreadByOwner', 'boolean', { defaultValue: true, label: 'Unread By Owner' }),
        reference('MasterRecordId', ['Lead'], 'MasterRecord', readOnly),
      ],
    },
    {
      name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: '006', custom: false,
      fields: [
        ...systemFields({ owner: true }),
        text('Name', 120, { required: true, label: 'Opportunity Name' }),
        reference('AccountId', ['Account'], 'Account'),
        picklist('StageName', opportunityStages.map((stage) => stage.name), { required: true, restrictedPicklist: true, label: 'Stage' }),
        field('Amount', 'currency', { precision: 18, scale: 2 }),
        field('CloseDate', 'date', { required: true, label: 'Close Date' }),
        field('Probability', 'percent', { precision: 3, scale: 0, label: 'Probability (%)' }),
        picklist('Type', ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer'], { label: 'Opportunity Type' }),
        picklist('LeadSource', leadSources),
        text('NextStep', 255),
        field('Description', 'textarea', { length: 32000 }),
        field('IsClosed', 'boolean', { ...readOnly, label: 'Closed' }),
        field('IsWon', 'boolean', { ...readOnly, label: 'Won' }),
        picklist('ForecastCategoryName', ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed'], { label: 'Forecast Category' }),
        reference('CampaignId', ['Campaign'], 'Campaign'),
      ],
    },
    {
      name: 'OpportunityContactRole', label: 'Opportunity Contact Role', labelPlural: 'Opportunity Contact Role', keyPrefix: '00K', custom: false,
      fields: [
        ...systemFields({ owner: false }),
        reference('OpportunityId', ['Opportunity'], 'Opportunity', { required: true, updateable: false }),
        reference('ContactId', ['Contact'], 'Contact', { required: true }),
        picklist('Role', ['Business User', 'Decision Maker', 'Economic Buyer', 'Economic Decision Maker', 'Evaluator', 'Executive Sponsor', 'Influencer', 'Technical Buyer', 'Other']),
        field('IsPrimary', 'boolean', { defaultValue: false, label: 'Primary' }),
      ],
    },
    {
      name: 'Case', label: 'Case', labelPlural: 'Cases', keyPrefix: '500', custom: false,
      fields: [
        ...systemFields({ owner: true, queues: true }),
        text('CaseNumber', 30, { ...readOnly, label: 'Case Number' }),
        text('Subject', 255),
        field('Description', 'textarea', { length: 32000 }),
        picklist('Status', ['New', 'Working', 'Escalated', 'Closed'], { nillable: false, defaultValue: 'New', restrictedPicklist: true }),
        picklist('Priority', ['High', 'Medium', 'Low'], { defaultValue: 'Medium' }),
        picklist('Origin', ['Phone', 'Email', 'Web'], { label: 'Case Origin' }),
        picklist('Type', ['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other'], { label: 'Case Type' }),
        picklist('Reason', ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other'], { label: 'Case Reason' }),
        reference('AccountId', ['Account'], 'Account'),
        reference('ContactId', ['Contact'], 'Contact'),
        field('SuppliedEmail', 'email', { length: 80, label: 'Web Email' }),
        text('SuppliedName', 80, { label: 'Web Name' }),
        text('SuppliedPhone', 40, { label: 'Web Phone' }),
        field('IsClosed', 'boolean', { ...readOnly, label: 'Closed' }),
        field('ClosedDate', 'datetime', readOnly),
      ],
    },
    {
      name: 'Task', label: 'Task', labelPlural: 'Tasks', keyPrefix: '00T', custom: false,
      fields: [
        ...systemFields({ owner: true }),
        field('Subject', 'combobox', { length: 255, picklistValues: ['Call', 'Send Letter', 'Send Quote', 'Other'] }),
        field('ActivityDate', 'date', { label: 'Due Date Only' }),
        picklist('Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], { nillable: false, defaultValue: 'Not Started', restrictedPicklist: true }),
        picklist('Priority', ['High', 'Normal', 'Low'], { nillable: false, defaultValue: 'Normal', restrictedPicklist: true }),
        reference('WhoId', whoTargets, 'Who', { label: 'Name ID' }),
        reference('WhatId', whatTargets, 'What', { label: 'Related To ID' }),
        field('Description', 'textarea', { length: 32000, label: 'Comments' }),
        picklist('TaskSubtype', ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'], { updateable: false }),
        picklist('Type', ['Call', 'Email', 'Meeting', 'Other']),
        picklist('CallType', ['Internal', 'Inbound', 'Outbound']),
        field('CallDurationInSeconds', 'int', { label: 'Call Duration' }),
        field('IsClosed', 'boolean', { ...readOnly, label: 'Closed' }),
        field('CompletedDateTime', 'datetime', readOnly),
      ],
    },
    {
      name: 'Event', label: 'Event', labelPlural: 'Events', keyPrefix: '00U', custom: false,
      fields: [
        ...systemFields({ owner: true }),
        field('Subject', 'combobox', { length: 255, picklistValues: ['Call', 'Email', 'Meeting', 'Send Letter/Quote', 'Other'] }),
        field('StartDateTime', 'datetime', { label: 'Start Date Time' }),
        field('EndDateTime', 'datetime', { label: 'End Date Time' }),
        field('ActivityDateTime', 'datetime', { label: 'Due Date Time' }),
        field('ActivityDate', 'date', { label: 'Due Date Only' }),
        field('DurationInMinutes', 'int', { label: 'Duration' }),
        field('IsAllDayEvent', 'boolean', { defaultValue: false, label: 'All-Day Event' }),
        text('Location', 255),
        reference('WhoId', whoTargets, 'Who', { label: 'Name ID' }),
        reference('WhatId', whatTargets, 'What', { label: 'Related To ID' }),
        field('Description', 'textarea', { length: 32000 }),
        picklist('Type', ['Call', 'Email', 'Meeting', 'Other']),
        picklist('EventSubtype', ['Event'], { updateable: false }),
      ],
    },
    {
      name: 'Campaign', label: 'Campaign', labelPlural: 'Campaigns', keyPrefix: '701', custom: false,
      fields: [
        ...systemFields({ owner: true }),
        text('Name', 80, { required: true, label: 'Campaign Name' }),
        picklist('Type', ['Advertisement', 'Email', 'Telemarketing', 'Banner Ads', 'Seminar / Conference', 'Public Relations', 'Partners', 'Referral Program', 'Webinar', 'Other']),
        picklist('Status', ['Planned', 'In Progress', 'Completed', 'Aborted']),
        field('StartDate', 'date'),
        field('EndDate', 'date'),
        field('IsActive', 'boolean', { defaultValue: false, label: 'Active' }),
        field('BudgetedCost', 'currency', { precision: 18, scale: 0 }),
        field('ActualCost', 'currency', { precision: 18, scale: 0 }),
        field('Description', 'textarea', { length: 32000 }),
        reference('ParentId', ['Campaign'], 'Parent'),
      ],
    },
    {
      name: 'CampaignMember', label: 'Campaign Member', labelPlural: 'Campaign Members', keyPrefix: '00v', custom: false,
      fields: [
        ...systemFields({ owner: false }),
        reference('CampaignId', ['Campaign'], 'Campaign', { required: true, updateable: false }),
        reference('LeadId', ['Lead'], 'Lead', { updateable: false }),
        reference('ContactId', ['Contact'], 'Contact', { updateable: false }),
        picklist('Status', ['Planned', 'Received', 'Responded', 'Sent'], { defaultValue: 'Sent' }),
        field('HasResponded', 'boolean', { ...readOnly, label: 'Responded' }),
        text('FirstName', 40, readOnly),
        text('LastName', 80, readOnly),
        field('Email', 'email', { length: 80, ...readOnly }),
      ],
    },
  ];
}

export interface CustomFieldInput {
  name: string;
  label?: string;
  type: SalesforceFieldType;
  length?: number;
  required?: boolean;
  externalId?: boolean;
  unique?: boolean;
  picklistValues?: string[];
  restrictedPicklist?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  defaultValue?: string | number | boolean;
}

export class Schema {
  private readonly objects = new Map<string, ObjectDefinition>();
  private customObjectCount = 0;

  constructor() {
    this.reset();
  }

  /** Back to the standard objects of a new org. */
  reset(): void {
    this.objects.clear();
    this.customObjectCount = 0;
    for (const definition of standardObjects()) this.objects.set(definition.name.toLowerCase(), { ...definition, childRelationships: [] });
    this.rebuildChildRelationships();
  }

  object(name: string): ObjectDefinition | undefined {
    return this.objects.get(name.toLowerCase());
  }

  all(): ObjectDefinition[] {
    return [...this.objects.values()];
  }

  byKeyPrefix(keyPrefix: string): ObjectDefinition | undefined {
    for (const definition of this.objects.values()) if (definition.keyPrefix === keyPrefix) return definition;
    return undefined;
  }

  /** Adds a custom object (with Name and OwnerId, as the Setup wizard creates it) or custom fields on any object. */
  define(input: { object: string; label?: string; labelPlural?: string; fields: CustomFieldInput[] }): ObjectDefinition {
    let definition = this.object(input.object);
    if (!definition) {
      if (!input.object.endsWith('__c')) throw new Error(`custom object names end in __c: ${input.object}`);
      // Custom objects get org-specific key prefixes starting a0; the third character counts them up.
      const keyPrefix = `a0${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[this.customObjectCount % 62]}`;
      this.customObjectCount += 1;
      const label = input.label ?? labelOf(input.object);
      definition = {
        name: input.object,
        label,
        labelPlural: input.labelPlural ?? `${label}s`,
        keyPrefix,
        custom: true,
        fields: [...systemFields({ owner: true, queues: true }), text('Name', 80, { required: true, label: `${label} Name` })],
        childRelationships: [],
      };
      this.objects.set(input.object.toLowerCase(), definition);
    }
    for (const fieldInput of input.fields) {
      if (!fieldInput.name.endsWith('__c')) throw new Error(`custom field names end in __c: ${fieldInput.name}`);
      if (definition.fields.some((existing) => existing.name.toLowerCase() === fieldInput.name.toLowerCase())) {
        throw new Error(`${definition.name} already has a field ${fieldInput.name}`);
      }
      const defaults: Partial<Record<SalesforceFieldType, number>> = { string: 255, textarea: 32768, email: 80, phone: 40, url: 255, picklist: 255, reference: 18 };
      definition.fields.push(
        field(fieldInput.name, fieldInput.type, {
          label: fieldInput.label ?? labelOf(fieldInput.name),
          length: fieldInput.length ?? defaults[fieldInput.type] ?? 0,
          required: fieldInput.required ?? false,
          externalId: fieldInput.externalId ?? false,
          unique: fieldInput.unique ?? false,
          custom: true,
          ...(fieldInput.picklistValues ? { picklistValues: fieldInput.picklistValues, restrictedPicklist: fieldInput.restrictedPicklist ?? false } : {}),
          ...(fieldInput.referenceTo ? { referenceTo: fieldInput.referenceTo, relationshipName: fieldInput.relationshipName ?? fieldInput.name.replace(/__c$/, '__r') } : {}),
          ...(fieldInput.defaultValue !== undefined ? { defaultValue: fieldInput.defaultValue } : {}),
          // Setup's default for a new currency field: 16 digits before the point, 2 after.
          ...(fieldInput.type === 'currency' ? { precision: 18, scale: 2 } : {}),
        }),
      );
    }
    this.rebuildChildRelationships();
    return definition;
  }

  /** Child relationship names as Salesforce spells them: the plural label for standard ones, `X__r` for custom. */
  private rebuildChildRelationships(): void {
    const standardNames: Record<string, string> = {
      'Contact.AccountId': 'Contacts',
      'Opportunity.AccountId': 'Opportunities',
      'Case.AccountId': 'Cases',
      'Case.ContactId': 'Cases',
      'OpportunityContactRole.OpportunityId': 'OpportunityContactRoles',
      'OpportunityContactRole.ContactId': 'OpportunityContactRoles',
      'Task.WhoId': 'Tasks',
      'Task.WhatId': 'Tasks',
      'Event.WhoId': 'Events',
      'Event.WhatId': 'Events',
      'CampaignMember.CampaignId': 'CampaignMembers',
      'CampaignMember.LeadId': 'CampaignMembers',
      'CampaignMember.ContactId': 'CampaignMembers',
      'Account.ParentId': 'ChildAccounts',
      'Opportunity.CampaignId': 'Opportunities',
    };
    for (const parent of this.objects.values()) parent.childRelationships = [];
    for (const child of this.objects.values()) {
      for (const childField of child.fields) {
        if (childField.type !== 'reference' || !childField.referenceTo || childField.name === 'MasterRecordId') continue;
        const relationshipName = childField.custom ? `${child.name.replace(/__c$/, '')}s__r` : standardNames[`${child.name}.${childField.name}`];
        if (!relationshipName) continue;
        for (const target of childField.referenceTo) {
          this.object(target)?.childRelationships.push({ relationshipName, childSObject: child.name, field: childField.name });
        }
      }
    }
  }
}

export function fieldOf(definition: ObjectDefinition, name: string): FieldDefinition | undefined {
  const wanted = name.toLowerCase();
  return definition.fields.find((candidate) => candidate.name.toLowerCase() === wanted);
}

export const stageByName = new Map(opportunityStages.map((stage) => [stage.name, stage]));
export const closedStatuses = { Case: closedCaseStatuses, Task: closedTaskStatuses };
