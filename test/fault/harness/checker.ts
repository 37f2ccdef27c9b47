/**
 * The checker: both systems against the state the settings and the sync rules imply for what the driver did.
 *
 * For every person the driver made:
 * - HubSpot holds exactly one contact with the email (a Salesforce person reaches HubSpot even outside the
 *   inclusion list);
 * - Salesforce holds exactly one Lead (not converted) or Contact with it when the person is in scope for HubSpot →
 *   Salesforce (made in Salesforce, or in the inclusion list, or no list set), and none otherwise;
 * - the HubSpot contact carries the id of that record (salesforceleadid / salesforcecontactid), and a converted
 *   lead's person is its Contact;
 * - every driven field agrees on both sides, with a value somebody wrote; under prefer_salesforce_unless_blank the
 *   last value written in Salesforce (the driver never blanks a Salesforce field, so Salesforce always wins there).
 * A person deleted in HubSpot keeps its Salesforce record (a HubSpot delete only unlinks) and is not re-created twice.
 * A person outside the inclusion list gets no updates either way, so only the presence of its HubSpot contact and the
 * provenance of its values are checked. Records with an email the driver never used are duplicates nobody asked for.
 */
import { drivenFields, type Person, type WorldState } from './driver.ts';

export interface CheckResult {
  recordsCompared: number;
  lost: number;
  duplicated: number;
  /** Present where the settings say it must not be (outside the inclusion list). */
  leaked: number;
  wrongValues: number;
  unexpected: number;
  /** One line per problem, precise enough to look at the record. */
  findings: string[];
}

const idProperty = { Lead: 'salesforceleadid', Contact: 'salesforcecontactid' } as const;

export function checkConvergence(people: readonly Person[], world: WorldState, options: { inclusionListId: string | null }): CheckResult {
  const result: CheckResult = { recordsCompared: 0, lost: 0, duplicated: 0, leaked: 0, wrongValues: 0, unexpected: 0, findings: [] };
  const hubspotByEmail = groupBy(world.hubspotContacts, (contact) => contact.email);
  const salesforceByEmail = groupBy(world.salesforcePeople, (record) => record.email);
  const finding = (person: Person, text: string) => result.findings.push(`${person.email} (made in ${person.origin}${person.converted ? ', lead converted' : ''}): ${text}`);

  for (const person of people) {
    const hubspot = hubspotByEmail.get(person.email) ?? [];
    const salesforce = salesforceByEmail.get(person.email) ?? [];
    result.recordsCompared += hubspot.length + salesforce.length;
    // People merged in HubSpot are checked as one group, from the survivor.
    if (person.mergedInto !== null) continue;
    if (person.absorbed.length > 0 && person.goneFromSalesforce === null) {
      checkMergedGroup(person, hubspotByEmail, salesforceByEmail, options, result, finding);
      continue;
    }
    if (person.goneFromHubspot !== null) {
      // Deleted in HubSpot: that only unlinks (a HubSpot delete never deletes in Salesforce), and nobody touches the
      // person afterwards, so nothing brings the contact back; a crash-recovered write may have, once at most.
      if (hubspot.length > 1) {
        result.duplicated += hubspot.length - 1;
        finding(person, `deleted in HubSpot, yet ${hubspot.length} HubSpot contacts (${hubspot.map((c) => c.id).join(', ')})`);
      }
      if (salesforce.length > 1) {
        result.duplicated += salesforce.length - 1;
        finding(person, `deleted in HubSpot; ${salesforce.length} Salesforce records (${salesforce.map((r) => `${r.object} ${r.id}`).join(', ')})`);
      } else if (person.goneFromHubspot.salesforceStood && salesforce.length === 0) {
        result.lost += 1;
        finding(person, 'deleted in HubSpot, and its Salesforce record is gone too');
      }
      continue;
    }
    if (person.goneFromSalesforce !== null) {
      // Gone from Salesforce: nothing brings it back (nobody touches it afterwards), and with onSalesforceDelete =
      // do_nothing a HubSpot contact that stood then still stands, once. A merged-away record's contact is merged
      // into the master's when both were linked; whether they were is a matter of timing: at most one.
      const gone = person.goneFromSalesforce;
      // Merged in HubSpot before: the group's one contact may carry a merged person's email now (see checkMergedGroup).
      const groupContacts = [person.email, ...person.absorbed].flatMap((email) => hubspotByEmail.get(email) ?? []);
      if (salesforce.length > 0) {
        result.duplicated += salesforce.length;
        finding(person, `${gone.salesforceMergedInto ? `merged into ${gone.salesforceMergedInto}` : 'deleted'} in Salesforce, yet ${salesforce.map((r) => `${r.object} ${r.id}`).join(', ')} stands`);
      }
      if (groupContacts.length > 1 || (gone.hubspotStood && groupContacts.length === 0)) {
        result[groupContacts.length > 1 ? 'duplicated' : 'lost'] += 1;
        finding(person, `deleted in Salesforce; ${groupContacts.length} HubSpot contacts${person.absorbed.length > 0 ? ` for it and ${person.absorbed.join(', ')} (merged into it in HubSpot)` : ''} (expected ${gone.hubspotStood ? 'its one contact to stay' : 'at most one'})`);
      }
      continue;
    }
    const fullySynced = options.inclusionListId === null || person.inInclusionList;
    const expectedInSalesforce = person.origin !== 'hubspot' || fullySynced;

    if (hubspot.length === 0) {
      result.lost += 1;
      finding(person, 'no HubSpot contact');
    } else if (hubspot.length > 1) {
      result.duplicated += hubspot.length - 1;
      finding(person, `${hubspot.length} HubSpot contacts (${hubspot.map((c) => c.id).join(', ')})`);
    }
    if (expectedInSalesforce && salesforce.length === 0) {
      result.lost += 1;
      finding(person, 'no Salesforce Lead or Contact');
    } else if (salesforce.length > 1) {
      result.duplicated += salesforce.length - 1;
      finding(person, `${salesforce.length} Salesforce records (${salesforce.map((r) => `${r.object} ${r.id}`).join(', ')})`);
    } else if (!expectedInSalesforce && salesforce.length === 1) {
      result.leaked += 1;
      finding(person, `outside the inclusion list, yet in Salesforce as ${salesforce[0]!.object} ${salesforce[0]!.id}`);
    }
    if (hubspot.length !== 1) continue;
    const contact = hubspot[0]!;
    if (salesforce.length !== 1) {
      if (!expectedInSalesforce) checkProvenance(person, contact.properties, result, finding);
      continue;
    }
    const record = salesforce[0]!;
    if (person.salesforce && person.salesforce.id !== record.id) {
      result.wrongValues += 1;
      finding(person, `Salesforce stands for it with ${record.object} ${record.id}, expected ${person.salesforce.object} ${person.salesforce.id}`);
    }
    if (!fullySynced) {
      checkProvenance(person, contact.properties, result, finding);
      continue;
    }
    if (contact.properties[idProperty[record.object]] !== record.id) {
      result.wrongValues += 1;
      finding(person, `HubSpot contact ${contact.id} has ${idProperty[record.object]}=${contact.properties[idProperty[record.object]]}, expected ${record.id}`);
    }
    for (const field of drivenFields) {
      const history = person.fields[field.hubspot]!;
      const inHubspot = contact.properties[field.hubspot] ?? null;
      const inSalesforce = (record.fields[field.salesforce] as string | null | undefined) ?? null;
      const lastInSalesforce = history.salesforce.at(-1);
      const expected =
        field.rule === 'prefer_salesforce_unless_blank' && lastInSalesforce !== undefined
          ? `${lastInSalesforce} (last written in Salesforce, which wins)`
          : null;
      if (inHubspot !== inSalesforce) {
        result.wrongValues += 1;
        finding(person, `${field.hubspot}/${field.salesforce} differ: HubSpot "${inHubspot}", Salesforce "${inSalesforce}"`);
      } else if (expected !== null && inSalesforce !== lastInSalesforce) {
        result.wrongValues += 1;
        finding(person, `${field.hubspot} is "${inSalesforce}", expected ${expected}`);
      } else if (inSalesforce !== null && !history.hubspot.includes(inSalesforce) && !history.salesforce.includes(inSalesforce)) {
        result.wrongValues += 1;
        finding(person, `${field.hubspot} is "${inSalesforce}", which nobody wrote`);
      }
    }
  }

  const emails = new Set(people.map((person) => person.email));
  for (const [email, records] of [...hubspotByEmail, ...salesforceByEmail] as Array<[string, unknown[]]>) {
    if (emails.has(email)) continue;
    result.unexpected += records.length;
    result.findings.push(`${records.length} record(s) with email "${email}", which the driver never used`);
  }
  return result;
}

/**
 * A HubSpot merge leaves one contact for the group: the primary's email and link stand when the primary is in
 * Salesforce; when only a merged person had reached Salesforce, the survivor keeps that person's link and, Salesforce winning the email under
 * prefer_salesforce_unless_blank, its email. Either way: exactly one contact for the group's emails, at most one
 * Salesforce record per email, and a survivor in scope linked to the Salesforce record of its own email. Values may
 * come from any member, so they are not held to one person's writes.
 */
function checkMergedGroup(
  person: Person,
  hubspotByEmail: ReadonlyMap<string, WorldState['hubspotContacts']>,
  salesforceByEmail: ReadonlyMap<string, WorldState['salesforcePeople']>,
  options: { inclusionListId: string | null },
  result: CheckResult,
  finding: (person: Person, text: string) => void,
): void {
  const emails = [person.email, ...person.absorbed];
  const contacts = emails.flatMap((email) => hubspotByEmail.get(email) ?? []);
  const records = emails.flatMap((email) => salesforceByEmail.get(email) ?? []);
  result.recordsCompared += contacts.length + records.length;
  if (contacts.length !== 1) {
    result[contacts.length === 0 ? 'lost' : 'duplicated'] += Math.max(1, contacts.length - 1);
    finding(person, `merged in HubSpot with ${person.absorbed.join(', ')}: ${contacts.length} contacts hold the group's emails`);
  }
  for (const email of emails) {
    const count = salesforceByEmail.get(email)?.length ?? 0;
    if (count > 1) {
      result.duplicated += count - 1;
      finding(person, `merged in HubSpot; ${count} Salesforce records with ${email}`);
    }
  }
  const contact = contacts[0];
  if (contacts.length !== 1 || !contact || (options.inclusionListId !== null && !person.inInclusionList)) return;
  // The survivor is the primary's contact: when the primary stands in Salesforce, the merge keeps that link and email.
  const own = salesforceByEmail.get(person.email)?.[0];
  if (own && (contact.email !== person.email || contact.properties[idProperty[own.object]] !== own.id)) {
    result.wrongValues += 1;
    finding(person, `merged in HubSpot as the primary, its contact ${contact.id} is ${contact.email} linked to ${contact.properties[idProperty[own.object]] ?? 'nothing'}, not to its own ${own.object} ${own.id}`);
    return;
  }
  const partner = records.find((record) => record.email === contact.email);
  if (!partner || contact.properties[idProperty[partner.object]] !== partner.id) {
    result.wrongValues += 1;
    finding(person, `merged contact ${contact.id} (${contact.email}) is not linked to a Salesforce record of its email (${partner ? `${partner.object} ${partner.id}` : 'none'})`);
  }
}

/** Outside the inclusion list nothing is kept in step, but no value may appear that nobody wrote. */
function checkProvenance(person: Person, properties: Record<string, string | null>, result: CheckResult, finding: (person: Person, text: string) => void): void {
  for (const field of drivenFields) {
    const value = properties[field.hubspot] ?? null;
    const history = person.fields[field.hubspot]!;
    if (value !== null && !history.hubspot.includes(value) && !history.salesforce.includes(value)) {
      result.wrongValues += 1;
      finding(person, `${field.hubspot} is "${value}" in HubSpot, which nobody wrote`);
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}
