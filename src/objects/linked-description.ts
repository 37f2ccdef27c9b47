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
}
