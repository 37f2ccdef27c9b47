/**
 * The shape of an activity pairing (src/objects/activities.ts fills it): per HubSpot engagement type, the
 * Salesforce object it becomes, its subtype there, the property ↔ field pairs, and the toggle of each direction.
 */
import type { SalesforceValue } from '../mapping/convert.ts';
import type { ValueShape } from '../mapping/model.ts';

export type ActivitySalesforceObject = 'Task' | 'Event';

export interface ActivityFieldPair {
  hubspotProperty: string;
  salesforceField: string;
  value: ValueShape;
  /** Toward Salesforce, read in order when `hubspotProperty` is blank (a meeting without a start: its timestamp). */
  hubspotFallbacks?: readonly string[];
  /** One way only; absent: the pair carries changes from whichever side the activity was made on. */
  only?: 'to_salesforce' | 'to_hubspot';
  /** HubSpot keeps rich text: tags are dropped toward Salesforce, whose Description is plain text. */
  html?: boolean;
}

export interface ActivityKind {
  /** The HubSpot engagement object type: notes, emails, calls, meetings, tasks. */
  hubspotObjectType: string;
  salesforceObject: ActivitySalesforceObject;
  /**
   * TaskSubtype marks what a Task is (Salesforce sets it on create and never lets it change); null for Events,
   * which all become meetings. A Task without a subtype (made before subtypes existed) is a plain Task.
   */
  taskSubtype: string | null;
  /** Written once when crmsync creates the Salesforce record (its Type, a Status for what already happened). */
  salesforceOnCreate: Readonly<Record<string, SalesforceValue>>;
  /** Written once when crmsync creates the engagement. */
  hubspotOnCreate: Readonly<Record<string, string>>;
  /**
   * HubSpot refuses an engagement without `hs_timestamp`: when the pairs leave it blank (a Task with no due
   * date), this Salesforce datetime gives it.
   */
  hubspotTimestampFallback: string;
  /** The toggle of each direction (a settings key); null: the kind does not sync that way. */
  timelineSettingKey: string | null;
  fromSalesforceSettingKey: string | null;
  fields: readonly ActivityFieldPair[];
}

