/**
 * A pair synced by the link-matched path (src/engine/linked): a `SyncObjectDescription` plus what only some of
 * those objects have. Contract: everything the engine does differently for one object is said here, as data.
 */
import type { SyncObjectDescription } from './description.ts';

export interface LinkedObjectDescription extends SyncObjectDescription {
  /**
   * A HubSpot pipeline stage property that meets a Salesforce picklist by the stage's label (deal stage "Closed
   * Won" ↔ StageName "Closed Won"), and the property naming the stage's pipeline, set on records HubSpot creates.
   */
  pipelineStage?: { hubspotProperty: string; pipelineProperty: string };
  /**
   * Which way values travel; default two_way. `salesforce_to_hubspot` (custom objects, as HubSpot's own integration
   * syncs them): HubSpot changes never write to Salesforce, HubSpot creates stay in HubSpot, a HubSpot delete only
   * drops the link, and a HubSpot edit stands until the Salesforce record changes again.
   */
  direction?: 'two_way' | 'salesforce_to_hubspot';
  /** A delete rule fixed by the description (a custom object's entry) instead of read from `deleteSettingKey`. */
  onSalesforceDelete?: 'delete' | 'do_nothing';
  /**
   * The Salesforce field that names a record, `Name` unless said (a Case has `Subject`): a create a dead process
   * left pending is looked up by it, with the time it was sent, before it is sent again.
   */
  salesforceNameField?: string;
  /** Fields of the Salesforce object that have no default mapping, and why (custom objects, mapped by schema). */
  unmappedFields?: ReadonlyArray<{ salesforceField: string; reason: string }>;
}
