import { defaultPipelines } from './pipelines.ts';
import { HubSpotApiError, notFound, validationError, type PropertyValueProblem } from './errors.ts';

/**
 * Object types and their property definitions: HubSpot's standard objects with the default properties a sync
 * touches, and custom objects created through the schemas API. Property values are validated and normalised
 * here, the way HubSpot's CRM object APIs refuse them ("Property values were not valid: [...]").
 */

export type PropertyType = 'string' | 'number' | 'enumeration' | 'date' | 'datetime' | 'bool' | 'phone_number';
export type FieldType =
  | 'text'
  | 'textarea'
  | 'html'
  | 'phonenumber'
  | 'file'
  | 'number'
  | 'select'
  | 'radio'
  | 'checkbox'
  | 'booleancheckbox'
  | 'date'
  | 'calculation_equation';

/** Which fieldTypes HubSpot allows for each type (properties API reference, "Property type and fieldType values"). */
export const fieldTypesByType: Readonly<Record<PropertyType, readonly FieldType[]>> = {
  string: ['text', 'textarea', 'html', 'phonenumber', 'file'],
  number: ['number', 'calculation_equation'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  date: ['date'],
  datetime: ['date'],
  bool: ['booleancheckbox'],
  phone_number: ['phonenumber'],
};

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: FieldType;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined: boolean;
  /** Set by HubSpot only (ids, modification dates, merge bookkeeping). */
  readOnlyValue: boolean;
  formField: boolean;
  calculated: boolean;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface ObjectTypeDefinition {
  /** Canonical name: "contacts", or a custom object's fully qualified name "p123_cars". */
  name: string;
  objectTypeId: string;
  singular: string;
  labels: { singular: string; plural: string };
  custom: boolean;
  /** The name the schema was created with (custom objects only: "cars"). */
  schemaName?: string;
  /** Properties returned when a request names none. */
  defaultProperties: string[];
  /** What the search API's free-text `query` looks in. */
  searchableProperties: string[];
  primaryDisplayProperty: string;
  requiredProperties: string[];
  secondaryDisplayProperties: string[];
  associatedObjects: string[];
  createdAt: string;
  updatedAt: string;
  properties: Map<string, PropertyDefinition>;
}

const epoch = '2020-01-01T00:00:00.000Z';

type PropertySeed = [name: string, label: string, type?: PropertyType, fieldType?: FieldType, options?: string[] | Array<[string, string]>];

function option(value: string, label: string, displayOrder: number): PropertyOption {
  return { value, label, displayOrder, hidden: false };
}

function defineProperty(seed: PropertySeed, groupName: string, displayOrder: number): PropertyDefinition {
  const [name, label, type = 'string', fieldType = type === 'number' ? 'number' : type === 'enumeration' ? 'select' : type === 'date' || type === 'datetime' ? 'date' : 'text', options = []] = seed;
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    description: '',
    options: options.map((o, i) => (typeof o === 'string' ? option(o, o, i) : option(o[0], o[1], i))),
    displayOrder,
    hasUniqueValue: false,
    hidden: false,
    hubspotDefined: true,
    readOnlyValue: false,
    formField: type !== 'datetime',
    calculated: false,
    createdAt: epoch,
    updatedAt: epoch,
    archived: false,
  };
}

/** Set by HubSpot, refused on write with READ_ONLY_VALUE. */
const readOnlyProperties = new Set(['hs_object_id', 'hs_lastmodifieddate', 'lastmodifieddate', 'hs_merged_object_ids', 'hs_additional_emails', 'hs_createdate']);

const systemSeeds: PropertySeed[] = [
  ['hs_object_id', 'Record ID', 'number'],
  ['createdate', 'Create Date', 'datetime'],
  ['lastmodifieddate', 'Last Modified Date', 'datetime'],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime'],
  ['hubspot_owner_id', 'Owner', 'enumeration', 'select'],
  ['hs_merged_object_ids', 'Merged Record IDs', 'enumeration', 'checkbox'],
];

const lifecycleStages: Array<[string, string]> = [
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
];

const leadStatuses: Array<[string, string]> = [
  ['NEW', 'New'],
  ['OPEN', 'Open'],
  ['IN_PROGRESS', 'In Progress'],
  ['OPEN_DEAL', 'Open Deal'],
  ['UNQUALIFIED', 'Unqualified'],
  ['ATTEMPTED_TO_CONTACT', 'Attempted to Contact'],
  ['CONNECTED', 'Connected'],
  ['BAD_TIMING', 'Bad Timing'],
];

/**
 * The company `industry` options: HubSpot's internal values (LinkedIn's industry list in upper snake case, e.g.
 * ACCOUNTING, COMPUTER_SOFTWARE), as `GET /crm/v3/properties/companies/industry` lists them. A Salesforce-style
 * value such as "Technology" is refused with INVALID_OPTION, as HubSpot refuses it: the sync must map values.
 * Labels are derived from the values. Source: https://knowledge.hubspot.com/properties/hubspots-default-company-properties
 */
const companyIndustryValues = [
  'ACCOUNTING', 'AIRLINES_AVIATION', 'ALTERNATIVE_DISPUTE_RESOLUTION', 'ALTERNATIVE_MEDICINE', 'ANIMATION',
  'APPAREL_FASHION', 'ARCHITECTURE_PLANNING', 'ARTS_AND_CRAFTS', 'AUTOMOTIVE', 'AVIATION_AEROSPACE', 'BANKING',
  'BIOTECHNOLOGY', 'BROADCAST_MEDIA', 'BUILDING_MATERIALS', 'BUSINESS_SUPPLIES_AND_EQUIPMENT', 'CAPITAL_MARKETS',
  'CHEMICALS', 'CIVIC_SOCIAL_ORGANIZATION', 'CIVIL_ENGINEERING', 'COMMERCIAL_REAL_ESTATE',
  'COMPUTER_NETWORK_SECURITY', 'COMPUTER_GAMES', 'COMPUTER_HARDWARE', 'COMPUTER_NETWORKING', 'COMPUTER_SOFTWARE',
  'INTERNET', 'CONSTRUCTION', 'CONSUMER_ELECTRONICS', 'CONSUMER_GOODS', 'CONSUMER_SERVICES', 'COSMETICS', 'DAIRY',
  'DEFENSE_SPACE', 'DESIGN', 'EDUCATION_MANAGEMENT', 'E_LEARNING', 'ELECTRICAL_ELECTRONIC_MANUFACTURING',
  'ENTERTAINMENT', 'ENVIRONMENTAL_SERVICES', 'EVENTS_SERVICES', 'EXECUTIVE_OFFICE', 'FACILITIES_SERVICES', 'FARMING',
  'FINANCIAL_SERVICES', 'FINE_ART', 'FISHERY', 'FOOD_BEVERAGES', 'FOOD_PRODUCTION', 'FUND_RAISING', 'FURNITURE',
  'GAMBLING_CASINOS', 'GLASS_CERAMICS_CONCRETE', 'GOVERNMENT_ADMINISTRATION', 'GOVERNMENT_RELATIONS',
  'GRAPHIC_DESIGN', 'HEALTH_WELLNESS_AND_FITNESS', 'HIGHER_EDUCATION', 'HOSPITAL_HEALTH_CARE', 'HOSPITALITY',
  'HUMAN_RESOURCES', 'IMPORT_AND_EXPORT', 'INDIVIDUAL_FAMILY_SERVICES', 'INDUSTRIAL_AUTOMATION',
  'INFORMATION_SERVICES', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'INSURANCE', 'INTERNATIONAL_AFFAIRS',
  'INTERNATIONAL_TRADE_AND_DEVELOPMENT', 'INVESTMENT_BANKING', 'INVESTMENT_MANAGEMENT', 'JUDICIARY',
  'LAW_ENFORCEMENT', 'LAW_PRACTICE', 'LEGAL_SERVICES', 'LEGISLATIVE_OFFICE', 'LEISURE_TRAVEL_TOURISM', 'LIBRARIES',
  'LOGISTICS_AND_SUPPLY_CHAIN', 'LUXURY_GOODS_JEWELRY', 'MACHINERY', 'MANAGEMENT_CONSULTING', 'MARITIME',
  'MARKET_RESEARCH', 'MARKETING_AND_ADVERTISING', 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING', 'MEDIA_PRODUCTION',
  'MEDICAL_DEVICES', 'MEDICAL_PRACTICE', 'MENTAL_HEALTH_CARE', 'MILITARY', 'MINING_METALS', 'MOBILE_GAMES',
  'MOTION_PICTURES_AND_FILM', 'MUSEUMS_AND_INSTITUTIONS', 'MUSIC', 'NANOTECHNOLOGY', 'NEWSPAPERS',
  'NON_PROFIT_ORGANIZATION_MANAGEMENT', 'OIL_ENERGY', 'ONLINE_MEDIA', 'OUTSOURCING_OFFSHORING',
  'PACKAGE_FREIGHT_DELIVERY', 'PACKAGING_AND_CONTAINERS', 'PAPER_FOREST_PRODUCTS', 'PERFORMING_ARTS',
  'PHARMACEUTICALS', 'PHILANTHROPY', 'PHOTOGRAPHY', 'PLASTICS', 'POLITICAL_ORGANIZATION',
  'PRIMARY_SECONDARY_EDUCATION', 'PRINTING', 'PROFESSIONAL_TRAINING_COACHING', 'PROGRAM_DEVELOPMENT',
  'PUBLIC_POLICY', 'PUBLIC_RELATIONS_AND_COMMUNICATIONS', 'PUBLIC_SAFETY', 'PUBLISHING', 'RAILROAD_MANUFACTURE',
  'RANCHING', 'REAL_ESTATE', 'RECREATIONAL_FACILITIES_AND_SERVICES', 'RELIGIOUS_INSTITUTIONS',
  'RENEWABLES_ENVIRONMENT', 'RESEARCH', 'RESTAURANTS', 'RETAIL', 'SECURITY_AND_INVESTIGATIONS', 'SEMICONDUCTORS',
  'SHIPBUILDING', 'SPORTING_GOODS', 'SPORTS', 'STAFFING_AND_RECRUITING', 'SUPERMARKETS', 'TELECOMMUNICATIONS',
  'TEXTILES', 'THINK_TANKS', 'TOBACCO', 'TRANSLATION_AND_LOCALIZATION', 'TRANSPORTATION_TRUCKING_RAILROAD',
  'UTILITIES', 'VENTURE_CAPITAL_PRIVATE_EQUITY', 'VETERINARY', 'WAREHOUSING', 'WHOLESALE', 'WINE_AND_SPIRITS',
  'WIRELESS', 'WRITING_AND_EDITING',
];
const companyIndustryOptions = companyIndustryValues.map((value): [string, string] => [
  value,
  value
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' '),
]);

/** Contacts' employee count is a dropdown of ranges, not a number (HubSpot's default contact properties). */
const contactEmployeeRanges = ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'];

const addressSeeds: PropertySeed[] = [
  ['phone', 'Phone Number', 'string', 'phonenumber'],
  ['address', 'Street Address'],
  ['city', 'City'],
  ['state', 'State/Region'],
  ['zip', 'Postal Code'],
  ['country', 'Country/Region'],
  ['website', 'Website URL'],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', lifecycleStages],
];

const engagementSeeds: PropertySeed[] = [
  ['hs_timestamp', 'Activity date', 'datetime'],
  ['hs_body_preview', 'Body preview'],
];

interface StandardType {
  name: string;
  objectTypeId: string;
  singular: string;
  plural: string;
  primaryDisplayProperty: string;
  defaultProperties: string[];
  searchableProperties: string[];
  seeds: PropertySeed[];
  requiredProperties?: string[];
}

/** Engagements share their shape: a timestamp, a body preview, and their own fields. */
function engagementType(name: string, objectTypeId: string, singular: string, plural: string, primaryDisplayProperty: string, searchableProperties: string[], seeds: PropertySeed[]): StandardType {
  // "hs_timestamp: Required" on every engagement create (HubSpot's notes, calls, emails, meetings and tasks guides,
  // https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide): it places the activity on the timeline.
  return { name, objectTypeId, singular, plural, primaryDisplayProperty, defaultProperties: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'], searchableProperties, seeds: [...engagementSeeds, ...seeds], requiredProperties: ['hs_timestamp'] };
}

const dealStageOptions = defaultPipelines.deals.flatMap((p) => p.stages.map((s): [string, string] => [s.id, s.label]));
const ticketStageOptions = defaultPipelines.tickets.flatMap((p) => p.stages.map((s): [string, string] => [s.id, s.label]));

const standardTypes: StandardType[] = [
  {
    name: 'contacts',
    objectTypeId: '0-1',
    singular: 'contact',
    plural: 'Contacts',
    primaryDisplayProperty: 'email',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    searchableProperties: ['firstname', 'lastname', 'email', 'phone', 'company', 'hs_additional_emails'],
    seeds: [
      ['email', 'Email'],
      ['firstname', 'First Name'],
      ['lastname', 'Last Name'],
      ['company', 'Company Name'],
      ['jobtitle', 'Job Title'],
      ['mobilephone', 'Mobile Phone Number', 'string', 'phonenumber'],
      ['salutation', 'Salutation'],
      ['fax', 'Fax Number', 'string', 'phonenumber'],
      ...addressSeeds,
      // On contacts these three are what people type (HubSpot's default contact properties): free text and ranges.
      ['industry', 'Industry'],
      ['annualrevenue', 'Annual Revenue'],
      ['numemployees', 'Number of Employees', 'enumeration', 'select', contactEmployeeRanges],
      ['hs_analytics_num_visits', 'Number of Sessions', 'number'],
      ['hs_lead_status', 'Lead Status', 'enumeration', 'radio', leadStatuses],
      ['hs_additional_emails', 'Additional email addresses', 'enumeration', 'checkbox'],
      ['salesforceleadid', 'Salesforce Lead ID'],
      ['salesforcecontactid', 'Salesforce Contact ID'],
      ['salesforceaccountid', 'Salesforce Account ID'],
      ['salesforceopportunityid', 'Salesforce Opportunity ID'],
      ['leadsource', 'Lead Source'],
    ],
  },
  {
    name: 'companies',
    objectTypeId: '0-2',
    singular: 'company',
    plural: 'Companies',
    primaryDisplayProperty: 'name',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    searchableProperties: ['name', 'domain', 'website', 'phone'],
    seeds: [
      ['name', 'Company name'],
      ['domain', 'Company Domain Name'],
      ['description', 'Description', 'string', 'textarea'],
      ...addressSeeds,
      ['industry', 'Industry', 'enumeration', 'select', companyIndustryOptions],
      ['annualrevenue', 'Annual Revenue', 'number'],
      ['numberofemployees', 'Number of Employees', 'number'],
      ['type', 'Type', 'enumeration', 'select', [['PROSPECT', 'Prospect'], ['PARTNER', 'Partner'], ['RESELLER', 'Reseller'], ['VENDOR', 'Vendor'], ['OTHER', 'Other']]],
      ['salesforceaccountid', 'Salesforce Account ID'],
    ],
  },
  {
    name: 'deals',
    objectTypeId: '0-3',
    singular: 'deal',
    plural: 'Deals',
    primaryDisplayProperty: 'dealname',
    defaultProperties: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
    searchableProperties: ['dealname'],
    seeds: [
      ['dealname', 'Deal Name'],
      ['amount', 'Amount', 'number'],
      ['closedate', 'Close Date', 'datetime'],
      ['pipeline', 'Pipeline', 'enumeration', 'select', defaultPipelines.deals.map((p): [string, string] => [p.id, p.label])],
      ['dealstage', 'Deal Stage', 'enumeration', 'radio', dealStageOptions],
      ['dealtype', 'Deal Type', 'enumeration', 'radio', [['newbusiness', 'New Business'], ['existingbusiness', 'Existing Business']]],
      ['description', 'Deal Description', 'string', 'textarea'],
      ['salesforceopportunityid', 'Salesforce Opportunity ID'],
    ],
  },
  {
    name: 'tickets',
    objectTypeId: '0-5',
    singular: 'ticket',
    plural: 'Tickets',
    primaryDisplayProperty: 'subject',
    defaultProperties: ['content', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_priority', 'subject'],
    searchableProperties: ['subject', 'content'],
    seeds: [
      ['subject', 'Ticket name'],
      ['content', 'Ticket description', 'string', 'textarea'],
      ['hs_pipeline', 'Pipeline', 'enumeration', 'select', defaultPipelines.tickets.map((p): [string, string] => [p.id, p.label])],
      ['hs_pipeline_stage', 'Ticket status', 'enumeration', 'select', ticketStageOptions],
      ['hs_ticket_priority', 'Priority', 'enumeration', 'select', [['LOW', 'Low'], ['MEDIUM', 'Medium'], ['HIGH', 'High'], ['URGENT', 'Urgent']]],
      ['hs_ticket_category', 'Category', 'enumeration', 'checkbox', [['PRODUCT_ISSUE', 'Product issue'], ['BILLING_ISSUE', 'Billing issue'], ['FEATURE_REQUEST', 'Feature request'], ['GENERAL_INQUIRY', 'General inquiry']]],
      ['source_type', 'Source', 'enumeration', 'select', [['CHAT', 'Chat'], ['EMAIL', 'Email'], ['FORM', 'Form'], ['PHONE', 'Phone']]],
      ['salesforcecaseid', 'Salesforce Case ID'],
    ],
  },
  engagementType('notes', '0-46', 'note', 'Notes', 'hs_note_body', ['hs_note_body'], [['hs_note_body', 'Note body', 'string', 'html']]),
  engagementType('emails', '0-49', 'email', 'Emails', 'hs_email_subject', ['hs_email_subject', 'hs_email_text'], [
    ['hs_email_subject', 'Subject'],
    ['hs_email_text', 'Body', 'string', 'textarea'],
    ['hs_email_html', 'HTML body', 'string', 'html'],
    ['hs_email_direction', 'Direction', 'enumeration', 'select', ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL']],
    ['hs_email_status', 'Status', 'enumeration', 'select', ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT']],
    ['hs_email_headers', 'Headers', 'string', 'textarea'],
  ]),
  engagementType('calls', '0-48', 'call', 'Calls', 'hs_call_title', ['hs_call_title', 'hs_call_body'], [
    ['hs_call_title', 'Call Title'],
    ['hs_call_body', 'Call notes', 'string', 'html'],
    ['hs_call_duration', 'Call duration', 'number'],
    ['hs_call_direction', 'Call direction', 'enumeration', 'select', ['INBOUND', 'OUTBOUND']],
    ['hs_call_status', 'Call status', 'enumeration', 'select', ['BUSY', 'CALLING_CRM_USER', 'CANCELED', 'COMPLETED', 'CONNECTING', 'FAILED', 'IN_PROGRESS', 'NO_ANSWER', 'QUEUED', 'RINGING']],
    ['hs_call_disposition', 'Call outcome'],
  ]),
  engagementType('meetings', '0-47', 'meeting', 'Meetings', 'hs_meeting_title', ['hs_meeting_title', 'hs_meeting_body'], [
    ['hs_meeting_title', 'Meeting name'],
    ['hs_meeting_body', 'Meeting description', 'string', 'html'],
    ['hs_meeting_location', 'Location'],
    ['hs_meeting_start_time', 'Start Time', 'datetime'],
    ['hs_meeting_end_time', 'End Time', 'datetime'],
    ['hs_meeting_outcome', 'Meeting outcome', 'enumeration', 'select', ['SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED']],
  ]),
  engagementType('tasks', '0-27', 'task', 'Tasks', 'hs_task_subject', ['hs_task_subject', 'hs_task_body'], [
    ['hs_task_subject', 'Task Title'],
    ['hs_task_body', 'Notes', 'string', 'html'],
    ['hs_task_status', 'Task Status', 'enumeration', 'select', ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED']],
    ['hs_task_priority', 'Priority', 'enumeration', 'select', ['NONE', 'LOW', 'MEDIUM', 'HIGH']],
    ['hs_task_type', 'Task Type', 'enumeration', 'select', ['CALL', 'EMAIL', 'LINKED_IN', 'MEETING', 'LINKED_IN_CONNECT', 'LINKED_IN_MESSAGE', 'TODO']],
  ]),
];

function buildStandardType(spec: StandardType): ObjectTypeDefinition {
  const properties = new Map<string, PropertyDefinition>();
  const seeds = [...systemSeeds, ...spec.seeds];
  seeds.forEach((seed, index) => {
    if (properties.has(seed[0])) return;
    const definition = defineProperty(seed, spec.singular === 'contact' ? 'contactinformation' : `${spec.singular}information`, index);
    definition.readOnlyValue = readOnlyProperties.has(definition.name);
    properties.set(definition.name, definition);
  });
  const email = properties.get('email');
  if (spec.name === 'contacts' && email) email.hasUniqueValue = true;
  return {
    name: spec.name,
    objectTypeId: spec.objectTypeId,
    singular: spec.singular,
    labels: { singular: spec.singular[0]?.toUpperCase() + spec.singular.slice(1), plural: spec.plural },
    custom: false,
    defaultProperties: spec.defaultProperties,
    searchableProperties: spec.searchableProperties,
    primaryDisplayProperty: spec.primaryDisplayProperty,
    requiredProperties: spec.requiredProperties ?? [],
    secondaryDisplayProperties: [],
    associatedObjects: [],
    createdAt: epoch,
    updatedAt: epoch,
    properties,
  };
}

/** What a property create or update body may say (the properties API's PropertyCreate/PropertyUpdate). */
export interface PropertyInput {
  name?: string;
  label?: string;
  type?: PropertyType;
  fieldType?: FieldType;
  groupName?: string;
  description?: string;
  options?: Array<{ label: string; value: string; displayOrder?: number; hidden?: boolean; description?: string }>;
  displayOrder?: number;
  hasUniqueValue?: boolean;
  hidden?: boolean;
  formField?: boolean;
}

export interface CustomSchemaInput {
  name: string;
  labels: { singular?: string; plural?: string };
  primaryDisplayProperty?: string;
  requiredProperties?: string[];
  searchableProperties?: string[];
  secondaryDisplayProperties?: string[];
  associatedObjects?: string[];
  description?: string;
  properties: PropertyInput[];
}

export interface SchemaSnapshot {
  customTypes: Array<Omit<ObjectTypeDefinition, 'properties'> & { properties: PropertyDefinition[] }>;
  /** Custom properties added to standard types. */
  addedProperties: Record<string, PropertyDefinition[]>;
  nextCustomTypeId: number;
}

/**
 * HubSpot checks an email's format, not its mailbox: RFC 2822, no quotation marks in the local part, and a
 * real top-level domain (developer forum answer, "contacts integration - invalid e-mails"). Without the IANA
 * list, the TLD is checked for its shape only (letters, or an xn-- label).
 */
const emailPattern = /^[^\s@"]+@([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/i;
const numberPattern = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

export type NormalisedValues = Record<string, string>;

export class HubSpotSchema {
  private types = new Map<string, ObjectTypeDefinition>();
  private aliases = new Map<string, string>();
  private nextCustomTypeId = 1;

  constructor(private readonly portalId: () => number) {
    this.reset();
  }

  reset(): void {
    this.types.clear();
    this.aliases.clear();
    this.nextCustomTypeId = 1;
    for (const spec of standardTypes) this.addType(buildStandardType(spec), [spec.singular]);
  }

  private addType(type: ObjectTypeDefinition, extraAliases: string[] = []): void {
    this.types.set(type.name, type);
    for (const alias of [type.name, type.objectTypeId, ...extraAliases]) this.aliases.set(alias.toLowerCase(), type.name);
  }

  resolve(nameOrId: string): string | undefined {
    return this.aliases.get(nameOrId.toLowerCase());
  }

  /** The type a path names, or HubSpot's 400 for an unknown object type. */
  require(nameOrId: string): ObjectTypeDefinition {
    const name = this.resolve(nameOrId);
    const type = name === undefined ? undefined : this.types.get(name);
    if (!type) throw validationError(`Unable to infer object type from: ${nameOrId}`);
    return type;
  }

  get(name: string): ObjectTypeDefinition | undefined {
    return this.types.get(name);
  }

  all(): ObjectTypeDefinition[] {
    return [...this.types.values()];
  }

  customTypes(): ObjectTypeDefinition[] {
    return this.all().filter((t) => t.custom);
  }

  property(type: ObjectTypeDefinition, name: string): PropertyDefinition | undefined {
    const property = type.properties.get(name);
    return property && !property.archived ? property : undefined;
  }

  /** Creates a custom object type: objectTypeId "2-n", fullyQualifiedName "p<portalId>_<name>". */
  createCustomType(input: CustomSchemaInput): ObjectTypeDefinition {
    if (!/^[a-z][a-z0-9_]*$/i.test(input.name)) throw validationError(`Invalid object type name: ${input.name}`);
    const fullyQualifiedName = `p${this.portalId()}_${input.name.toLowerCase()}`;
    if (this.types.has(fullyQualifiedName) || this.resolve(input.name) !== undefined) {
      throw new HubSpotApiError(409, 'CONFLICT', `Object type with name ${input.name} already exists`);
    }
    const now = new Date().toISOString();
    const properties = new Map<string, PropertyDefinition>();
    // Custom objects carry hs_createdate rather than the contact-style lastmodifieddate.
    const customSystemSeeds: PropertySeed[] = [...systemSeeds.filter(([name]) => name !== 'lastmodifieddate'), ['hs_createdate', 'Object create date/time', 'datetime']];
    customSystemSeeds.forEach((seed, i) => {
      const definition = defineProperty(seed, `${input.name}_information`, i);
      definition.readOnlyValue = readOnlyProperties.has(definition.name);
      properties.set(definition.name, definition);
    });
    for (const [index, p] of input.properties.entries()) {
      const definition = this.buildProperty(p, `${input.name}_information`, properties.size + index, false);
      properties.set(definition.name, definition);
    }
    const primary = input.primaryDisplayProperty ?? input.properties[0]?.name ?? 'hs_object_id';
    for (const name of [primary, ...(input.requiredProperties ?? []), ...(input.searchableProperties ?? [])]) {
      if (!properties.has(name)) throw validationError(`Property ${name} is referenced by the schema but is not defined in its properties`);
    }
    const type: ObjectTypeDefinition = {
      name: fullyQualifiedName,
      objectTypeId: `2-${this.nextCustomTypeId++}`,
      singular: input.name.toLowerCase(),
      schemaName: input.name,
      labels: { singular: input.labels.singular ?? input.name, plural: input.labels.plural ?? input.name },
      custom: true,
      defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'].concat(primary === 'hs_object_id' ? [] : [primary]),
      searchableProperties: input.searchableProperties ?? [primary],
      primaryDisplayProperty: primary,
      requiredProperties: input.requiredProperties ?? [],
      secondaryDisplayProperties: input.secondaryDisplayProperties ?? [],
      associatedObjects: (input.associatedObjects ?? []).map((o) => this.resolve(o) ?? o),
      createdAt: now,
      updatedAt: now,
      properties,
    };
    this.addType(type, customAliases(type));
    return type;
  }

  createProperty(type: ObjectTypeDefinition, input: PropertyInput): PropertyDefinition {
    if (!input.name) throw validationError('Property name is required', { context: { propertyName: [''] } });
    if (type.properties.get(input.name)?.archived === false) {
      throw new HubSpotApiError(409, 'CONFLICT', `A property named '${input.name}' already exists.`, { context: { name: [input.name] } });
    }
    const definition = this.buildProperty(input, input.groupName ?? `${type.singular}information`, type.properties.size, false);
    type.properties.set(definition.name, definition);
    return definition;
  }

  updateProperty(type: ObjectTypeDefinition, name: string, input: PropertyInput): PropertyDefinition {
    const existing = this.property(type, name);
    if (!existing) throw notFound(`Unable to find property ${name} on object type ${type.name}`, { propertyName: [name] });
    if (existing.hubspotDefined && (input.type !== undefined || input.fieldType !== undefined) && (input.type !== existing.type || input.fieldType !== existing.fieldType)) {
      throw validationError(`Cannot change the type of HubSpot defined property ${name}`);
    }
    const merged = this.buildProperty({ ...existing, ...input, name }, input.groupName ?? existing.groupName, existing.displayOrder, existing.hubspotDefined);
    merged.createdAt = existing.createdAt;
    merged.readOnlyValue = existing.readOnlyValue;
    type.properties.set(name, merged);
    return merged;
  }

  archiveProperty(type: ObjectTypeDefinition, name: string): void {
    const existing = this.property(type, name);
    if (!existing) throw notFound(`Unable to find property ${name} on object type ${type.name}`, { propertyName: [name] });
    if (existing.hubspotDefined) throw validationError(`Cannot archive HubSpot defined property ${name}`);
    existing.archived = true;
    existing.updatedAt = new Date().toISOString();
  }

  private buildProperty(input: PropertyInput, groupName: string, displayOrder: number, hubspotDefined: boolean): PropertyDefinition {
    const name = input.name ?? '';
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      throw validationError(`Property name ${name} is invalid: names start with a lowercase letter and hold only lowercase letters, digits and underscores`, {
        context: { propertyName: [name] },
      });
    }
    const type = input.type ?? 'string';
    const fieldType = input.fieldType ?? (fieldTypesByType[type][0] as FieldType);
    if (!fieldTypesByType[type]?.includes(fieldType)) {
      throw validationError(`Invalid fieldType ${fieldType} for property ${name} of type ${type}; allowed: ${fieldTypesByType[type].join(', ')}`, {
        context: { propertyName: [name] },
      });
    }
    const options = (input.options ?? []).map((o, i) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder ?? i, hidden: o.hidden ?? false, ...(o.description ? { description: o.description } : {}) }));
    if (type === 'enumeration' && fieldType !== 'booleancheckbox' && options.length === 0) {
      throw validationError(`Enumeration property ${name} needs at least one option`, { context: { propertyName: [name] } });
    }
    const effectiveOptions = fieldType === 'booleancheckbox' && options.length === 0 ? [option('true', 'Yes', 0), option('false', 'No', 1)] : options;
    const now = new Date().toISOString();
    return {
      name,
      label: input.label ?? name,
      type,
      fieldType,
      groupName,
      description: input.description ?? '',
      options: effectiveOptions,
      displayOrder: input.displayOrder ?? displayOrder,
      hasUniqueValue: input.hasUniqueValue ?? false,
      hidden: input.hidden ?? false,
      hubspotDefined,
      readOnlyValue: false,
      formField: input.formField ?? false,
      calculated: fieldType === 'calculation_equation',
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
  }

  /**
   * Checks and normalises the values of one write. Every refused value is reported, not only the first,
   * because HubSpot lists them all in one "Property values were not valid" message.
   */
  normaliseValues(type: ObjectTypeDefinition, input: Record<string, unknown>): { values: NormalisedValues; problems: PropertyValueProblem[] } {
    const values: NormalisedValues = {};
    const problems: PropertyValueProblem[] = [];
    for (const [name, raw] of Object.entries(input)) {
      const property = this.property(type, name);
      if (!property) {
        problems.push({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name });
        continue;
      }
      if (property.readOnlyValue) {
        problems.push({ isValid: false, message: `${name} is a read only property; its value cannot be set.`, error: 'READ_ONLY_VALUE', name });
        continue;
      }
      const outcome = normaliseValue(type, property, raw);
      if (typeof outcome === 'string') values[name] = outcome;
      else problems.push(outcome);
    }
    return { values, problems };
  }

  snapshot(): SchemaSnapshot {
    const standard = new Set(standardTypes.map((s) => s.name));
    const addedProperties: Record<string, PropertyDefinition[]> = {};
    for (const type of this.types.values()) {
      if (!standard.has(type.name)) continue;
      const added = [...type.properties.values()].filter((p) => !p.hubspotDefined);
      if (added.length > 0) addedProperties[type.name] = added;
    }
    return {
      customTypes: this.customTypes().map((t) => ({ ...t, properties: [...t.properties.values()] })),
      addedProperties,
      nextCustomTypeId: this.nextCustomTypeId,
    };
  }

  restore(snapshot: SchemaSnapshot): void {
    this.reset();
    for (const custom of snapshot.customTypes) {
      this.addType({ ...custom, properties: new Map(custom.properties.map((p) => [p.name, p])) }, customAliases(custom));
    }
    for (const [typeName, properties] of Object.entries(snapshot.addedProperties)) {
      const type = this.types.get(typeName);
      for (const p of properties) type?.properties.set(p.name, p);
    }
    this.nextCustomTypeId = snapshot.nextCustomTypeId;
  }
}

/**
 * `p_<name>` is HubSpot's documented short-hand for a custom type in request paths (developer changelog, "Removed
 * Support for Referencing Custom Object Types by Base Name", 2025): a restored schema answers to it as the created one.
 */
function customAliases(type: { singular: string }): string[] {
  return [`p_${type.singular}`];
}

function problem(name: string, error: string, message: string): PropertyValueProblem {
  return { isValid: false, message, error, name };
}

/** "1606768561954 is at 20:36:1.954 UTC, not midnight!": HubSpot's INVALID_DATE wording, unpadded as it is. */
function notMidnight(raw: string, ms: number): string {
  const d = new Date(ms);
  return `${raw} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${d.getUTCMilliseconds()} UTC, not midnight!`;
}

function parseInstant(value: string): number | undefined {
  if (/^-?\d+$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(isoDatePattern.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Returns the value as HubSpot stores and returns it, or the problem HubSpot reports. */
export function normaliseValue(type: ObjectTypeDefinition, property: PropertyDefinition, raw: unknown): string | PropertyValueProblem {
  const name = property.name;
  if (raw === null || raw === undefined || raw === '') return '';
  if (typeof raw === 'object') return problem(name, 'INVALID_TYPE', `${JSON.stringify(raw)} is not a valid value for ${name}`);
  const value = String(raw);
  const isString = property.type === 'string' || property.type === 'phone_number';
  // Since 2025 HubSpot refuses surrounding whitespace in every non-string value (enhanced-validations changelog).
  if (!isString && value !== value.trim()) {
    return problem(name, 'LEADING_TRAILING_WHITESPACE', `"${value}" includes leading or trailing whitespace.`);
  }
  switch (property.type) {
    case 'string':
    case 'phone_number':
      if (name === 'email' && type.name === 'contacts' && !emailPattern.test(value.trim())) {
        return problem(name, 'INVALID_EMAIL', `Email address ${value} is invalid`);
      }
      return name === 'email' ? value.trim() : value;
    case 'number':
      if (!numberPattern.test(value)) return problem(name, 'INVALID_INTEGER', `${value} was not a valid number.`);
      return value;
    case 'bool':
      if (value !== 'true' && value !== 'false') return problem(name, 'INVALID_BOOLEAN', `${value} was not a valid boolean.`);
      return value;
    case 'enumeration': {
      if (name === 'hubspot_owner_id') {
        // Owner ids are checked against the owners list by the store (options change as owners do).
        return /^\d+$/.test(value) ? value : problem(name, 'INVALID_OWNER_ID', `${value} is not a valid owner id`);
      }
      const allowed = new Set(property.options.map((o) => o.value));
      const parts = property.fieldType === 'checkbox' ? value.split(';') : [value];
      const unknown = parts.find((p) => !allowed.has(p));
      if (unknown !== undefined && !(property.fieldType === 'checkbox' && allowed.size === 0)) {
        return problem(name, 'INVALID_OPTION', `${unknown} was not one of the allowed options: [${[...allowed].join(', ')}]`);
      }
      return value;
    }
    case 'date': {
      const ms = parseInstant(value);
      if (ms === undefined) return problem(name, 'INVALID_DATE', `${value} is not a valid date`);
      if (ms % 86_400_000 !== 0) return problem(name, 'INVALID_DATE', notMidnight(value, ms));
      return new Date(ms).toISOString().slice(0, 10);
    }
    case 'datetime': {
      const ms = parseInstant(value);
      if (ms === undefined) return problem(name, 'INVALID_LONG', `${value} was not a valid long.`);
      return new Date(ms).toISOString();
    }
  }
}

/** Property as the properties API renders it. */
export function renderProperty(p: PropertyDefinition) {
  return {
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    description: p.description,
    groupName: p.groupName,
    options: p.options,
    displayOrder: p.displayOrder,
    calculated: p.calculated,
    externalOptions: false,
    hasUniqueValue: p.hasUniqueValue,
    hidden: p.hidden,
    hubspotDefined: p.hubspotDefined,
    formField: p.formField,
    modificationMetadata: { archivable: !p.hubspotDefined, readOnlyDefinition: p.hubspotDefined, readOnlyValue: p.readOnlyValue },
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    archived: p.archived,
  };
}
