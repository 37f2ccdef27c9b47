/**
 * Picklist values between HubSpot and Salesforce: the standard translations of the vendors' default value lists,
 * and the rule that picks a value the other side accepts, or says why there is none.
 *
 * Sources for the default lists:
 * - HubSpot contact `hs_lead_status` options NEW, OPEN, IN_PROGRESS, OPEN_DEAL, UNQUALIFIED, ATTEMPTED_TO_CONTACT,
 *   CONNECTED, BAD_TIMING (https://knowledge.hubspot.com/properties/hubspots-default-contact-properties);
 *   Salesforce Lead `Status` defaults Open - Not Contacted, Working - Contacted, Closed - Converted,
 *   Closed - Not Converted (Salesforce Help, "Lead Status Picklist").
 * - HubSpot company `industry` options: LinkedIn's industry list in upper snake case (ACCOUNTING, COMPUTER_SOFTWARE…,
 *   https://knowledge.hubspot.com/properties/hubspots-default-company-properties); Salesforce's default Industry
 *   picklist: Agriculture … Utilities, Other (32 values, the same on Lead and Account).
 *
 * Contract:
 * - A value map goes both ways and is round-trip safe: for every Salesforce value with a HubSpot counterpart,
 *   `toSalesforce[toHubspot[v]] === v` (property-tested), so a value written one way never reads back as a change.
 *   Several HubSpot values may share one Salesforce value (ATTEMPTED_TO_CONTACT and IN_PROGRESS are both
 *   "Working - Contacted"); comparison happens in Salesforce's form, so that is no bounce either.
 * - `choiceToSalesforce` / `choiceToHubspot`: a value the other side holds as is (any casing) keeps that side's
 *   spelling; else its standard counterpart, when the other side accepts it; else, when the other side's list is
 *   known and closed, a `property_value` refusal naming the value and the accepted ones (never a silent drop).
 *   With no live list, the translation (or the value) is sent and a vendor refusal is remembered by the engine.
 */
import type { PicklistChoices, PicklistValueMap } from './model.ts';

export type ChoiceResult = { ok: true; value: string } | { ok: false; message: string };

/** Upper case, punctuation folded to single underscores: "Computer Software", "computer-software" → COMPUTER_SOFTWARE. */
export function picklistKey(value: string): string {
  return value
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A translation table, keys folded with `picklistKey` so either side's spelling finds its counterpart. */
export function valueMap(name: string, toSalesforce: Record<string, string>, toHubspot: Record<string, string>, options: { closed?: boolean } = {}): PicklistValueMap {
  const keyed = (entries: Record<string, string>) => Object.fromEntries(Object.entries(entries).map(([key, value]) => [picklistKey(key), value]));
  return { name, toSalesforce: keyed(toSalesforce), toHubspot: keyed(toHubspot), ...(options.closed ? { closed: true } : {}) };
}

/**
 * Ticket `hs_ticket_priority` (LOW, MEDIUM, HIGH, URGENT) ↔ Case `Priority` (High, Medium, Low): by label. URGENT
 * has no Case counterpart and is refused, not sent as a new value of Case's open picklist.
 */
export const ticketPriorityValues: PicklistValueMap = valueMap('ticket priority', { LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High' }, { Low: 'LOW', Medium: 'MEDIUM', High: 'HIGH' }, { closed: true });

/**
 * Deal `dealtype` (newbusiness, existingbusiness) ↔ Opportunity `Type` (New Customer, Existing Customer - Upgrade,
 * - Replacement, - Downgrade). One Salesforce value per HubSpot value, or a Downgrade read into HubSpot as
 * existingbusiness would go back as an Upgrade; Replacement and Downgrade stay errors until the admin adds options.
 */
export const dealTypeValues: PicklistValueMap = valueMap('deal type', { NEWBUSINESS: 'New Customer', EXISTINGBUSINESS: 'Existing Customer - Upgrade' }, { 'New Customer': 'newbusiness', 'Existing Customer - Upgrade': 'existingbusiness' });

/**
 * Ticket `source_type` (CHAT, EMAIL, FORM, PHONE) ↔ Case `Origin` (Email, Phone, Web): email and phone meet by
 * name; a web-to-case Case came through a form. Chat has no standard Origin and is not guessed.
 */
export const ticketSourceValues: PicklistValueMap = valueMap('ticket source', { FORM: 'Web' }, { Web: 'FORM' });

export const leadStatusValues: PicklistValueMap = valueMap(
  'lead status',
  {
    NEW: 'Open - Not Contacted',
    OPEN: 'Open - Not Contacted',
    IN_PROGRESS: 'Working - Contacted',
    ATTEMPTED_TO_CONTACT: 'Working - Contacted',
    CONNECTED: 'Working - Contacted',
    OPEN_DEAL: 'Closed - Converted',
    UNQUALIFIED: 'Closed - Not Converted',
    BAD_TIMING: 'Closed - Not Converted',
  },
  {
    'Open - Not Contacted': 'NEW',
    'Working - Contacted': 'IN_PROGRESS',
    'Closed - Converted': 'OPEN_DEAL',
    'Closed - Not Converted': 'UNQUALIFIED',
  },
);

export const industryValues: PicklistValueMap = valueMap(
  'industry',
  {
    ACCOUNTING: 'Finance',
    AIRLINES_AVIATION: 'Transportation',
    APPAREL_FASHION: 'Apparel',
    AUTOMOTIVE: 'Manufacturing',
    BANKING: 'Banking',
    BIOTECHNOLOGY: 'Biotechnology',
    BROADCAST_MEDIA: 'Media',
    CAPITAL_MARKETS: 'Finance',
    CHEMICALS: 'Chemicals',
    CIVIL_ENGINEERING: 'Engineering',
    COMPUTER_HARDWARE: 'Technology',
    COMPUTER_NETWORKING: 'Technology',
    COMPUTER_NETWORK_SECURITY: 'Technology',
    COMPUTER_SOFTWARE: 'Technology',
    CONSTRUCTION: 'Construction',
    CONSUMER_ELECTRONICS: 'Electronics',
    DAIRY: 'Agriculture',
    E_LEARNING: 'Education',
    EDUCATION_MANAGEMENT: 'Education',
    ELECTRICAL_ELECTRONIC_MANUFACTURING: 'Electronics',
    ENTERTAINMENT: 'Entertainment',
    ENVIRONMENTAL_SERVICES: 'Environmental',
    FARMING: 'Agriculture',
    FINANCIAL_SERVICES: 'Finance',
    FISHERY: 'Agriculture',
    FOOD_BEVERAGES: 'Food & Beverage',
    FOOD_PRODUCTION: 'Food & Beverage',
    FUND_RAISING: 'Not For Profit',
    GOVERNMENT_ADMINISTRATION: 'Government',
    GOVERNMENT_RELATIONS: 'Government',
    HEALTH_WELLNESS_AND_FITNESS: 'Healthcare',
    HIGHER_EDUCATION: 'Education',
    HOSPITAL_HEALTH_CARE: 'Healthcare',
    HOSPITALITY: 'Hospitality',
    INDUSTRIAL_AUTOMATION: 'Manufacturing',
    INFORMATION_TECHNOLOGY_AND_SERVICES: 'Technology',
    INSURANCE: 'Insurance',
    INTERNET: 'Technology',
    INVESTMENT_BANKING: 'Banking',
    INVESTMENT_MANAGEMENT: 'Finance',
    LEGISLATIVE_OFFICE: 'Government',
    LEISURE_TRAVEL_TOURISM: 'Hospitality',
    LOGISTICS_AND_SUPPLY_CHAIN: 'Transportation',
    MACHINERY: 'Machinery',
    MANAGEMENT_CONSULTING: 'Consulting',
    MARITIME: 'Shipping',
    MECHANICAL_OR_INDUSTRIAL_ENGINEERING: 'Engineering',
    MEDIA_PRODUCTION: 'Media',
    MEDICAL_DEVICES: 'Healthcare',
    MEDICAL_PRACTICE: 'Healthcare',
    MENTAL_HEALTH_CARE: 'Healthcare',
    MILITARY: 'Government',
    MOTION_PICTURES_AND_FILM: 'Entertainment',
    MUSIC: 'Entertainment',
    NEWSPAPERS: 'Media',
    NON_PROFIT_ORGANIZATION_MANAGEMENT: 'Not For Profit',
    OIL_ENERGY: 'Energy',
    ONLINE_MEDIA: 'Media',
    PACKAGE_FREIGHT_DELIVERY: 'Shipping',
    PHARMACEUTICALS: 'Healthcare',
    PHILANTHROPY: 'Not For Profit',
    PRIMARY_SECONDARY_EDUCATION: 'Education',
    PUBLIC_RELATIONS_AND_COMMUNICATIONS: 'Communications',
    PUBLISHING: 'Media',
    RANCHING: 'Agriculture',
    RECREATIONAL_FACILITIES_AND_SERVICES: 'Recreation',
    RENEWABLES_ENVIRONMENT: 'Environmental',
    RESTAURANTS: 'Hospitality',
    RETAIL: 'Retail',
    SEMICONDUCTORS: 'Electronics',
    SHIPBUILDING: 'Shipping',
    SPORTS: 'Recreation',
    SUPERMARKETS: 'Retail',
    TELECOMMUNICATIONS: 'Telecommunications',
    TRANSPORTATION_TRUCKING_RAILROAD: 'Transportation',
    UTILITIES: 'Utilities',
    WINE_AND_SPIRITS: 'Food & Beverage',
    WIRELESS: 'Telecommunications',
  },
  {
    Agriculture: 'FARMING',
    Apparel: 'APPAREL_FASHION',
    Banking: 'BANKING',
    Biotechnology: 'BIOTECHNOLOGY',
    Chemicals: 'CHEMICALS',
    Communications: 'PUBLIC_RELATIONS_AND_COMMUNICATIONS',
    Construction: 'CONSTRUCTION',
    Consulting: 'MANAGEMENT_CONSULTING',
    Education: 'EDUCATION_MANAGEMENT',
    Electronics: 'CONSUMER_ELECTRONICS',
    Energy: 'OIL_ENERGY',
    Engineering: 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING',
    Entertainment: 'ENTERTAINMENT',
    Environmental: 'ENVIRONMENTAL_SERVICES',
    Finance: 'FINANCIAL_SERVICES',
    'Food & Beverage': 'FOOD_BEVERAGES',
    Government: 'GOVERNMENT_ADMINISTRATION',
    Healthcare: 'HOSPITAL_HEALTH_CARE',
    Hospitality: 'HOSPITALITY',
    Insurance: 'INSURANCE',
    Machinery: 'MACHINERY',
    Manufacturing: 'INDUSTRIAL_AUTOMATION',
    Media: 'ONLINE_MEDIA',
    'Not For Profit': 'NON_PROFIT_ORGANIZATION_MANAGEMENT',
    Recreation: 'RECREATIONAL_FACILITIES_AND_SERVICES',
    Retail: 'RETAIL',
    Shipping: 'PACKAGE_FREIGHT_DELIVERY',
    Technology: 'COMPUTER_SOFTWARE',
    Telecommunications: 'TELECOMMUNICATIONS',
    Transportation: 'TRANSPORTATION_TRUCKING_RAILROAD',
    Utilities: 'UTILITIES',
  },
);

/** The value of `accepted` equal to `value` but for casing and punctuation, in `accepted`'s spelling. */
function spelledAs(value: string, accepted: readonly string[]): string | undefined {
  if (accepted.includes(value)) return value;
  const key = picklistKey(value);
  return accepted.find((candidate) => picklistKey(candidate) === key);
}

function listed(values: readonly string[]): string {
  const shown = values.slice(0, 12).join(', ');
  return values.length > 12 ? `${shown}, … (${values.length} values)` : shown;
}

/** A HubSpot value (an enumeration option, or free text headed for a Salesforce picklist) in Salesforce's form. */
export function choiceToSalesforce(value: string, choices: PicklistChoices | undefined): ChoiceResult {
  const accepted = choices?.salesforce;
  const translated = choices?.valueMap?.toSalesforce[picklistKey(value)];
  const closed = choices?.valueMap?.closed === true;
  if (!accepted) return translated === undefined && closed ? noSalesforceCounterpart(value, translated, []) : { ok: true, value: translated ?? value };
  const same = spelledAs(value, accepted.values);
  if (same !== undefined) return { ok: true, value: same };
  const counterpart = translated === undefined ? undefined : spelledAs(translated, accepted.values);
  if (counterpart !== undefined) return { ok: true, value: counterpart };
  if (!accepted.restricted && !closed) return { ok: true, value };
  return noSalesforceCounterpart(value, translated, accepted.values);
}

/** Names the value as the admin sees it too: a pipeline stage travels as its id ("2"), known by its label. */
function noSalesforceCounterpart(value: string, translated: string | undefined, accepted: readonly string[]): ChoiceResult {
  const shown = translated !== undefined && translated !== value ? `"${value}" (${translated})` : `"${value}"`;
  const list = accepted.length > 0 ? ` (${listed(accepted)})` : '';
  return { ok: false, message: `HubSpot value ${shown} has no counterpart in the Salesforce picklist${list}; add it there or change the value` };
}

/** A Salesforce picklist value as the HubSpot enumeration's option value. */
export function choiceToHubspot(value: string, choices: PicklistChoices | undefined): ChoiceResult {
  const accepted = choices?.hubspot;
  const translated = choices?.valueMap?.toHubspot[picklistKey(value)];
  if (!accepted && translated === undefined && choices?.valueMap?.closed === true) {
    return { ok: false, message: `Salesforce value "${value}" has no counterpart among the HubSpot property's options; add the option in HubSpot or change the value` };
  }
  if (!accepted) return { ok: true, value: translated ?? value };
  const same = spelledAs(value, accepted);
  if (same !== undefined) return { ok: true, value: same };
  const counterpart = translated === undefined ? undefined : spelledAs(translated, accepted);
  if (counterpart !== undefined) return { ok: true, value: counterpart };
  return {
    ok: false,
    message: `Salesforce value "${value}" has no counterpart among the HubSpot property's options (${listed(accepted)}); add the option in HubSpot or change the value`,
  };
}
