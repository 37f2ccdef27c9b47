/**
 * HubSpot lifecycle stage from Salesforce opportunities (SPEC section 5, "Lifecycle stage").
 *
 * A synced contact that is an OpportunityContactRole on an open opportunity becomes `opportunity`; on a Closed
 * Won one, `customer` (also when the role is added after the close). Stages never move backwards. HubSpot's
 * lifecycle never changes Salesforce.
 * (https://knowledge.hubspot.com/articles/kcs_article/salesforce/what-does-enabling-automatic-lifecycle-stage-transitions-do)
 *
 * Contract:
 * - `lifecycleTargetFromRoles(roles)` → the stage the roles justify, or undefined (only closed-lost roles).
 * - `advanceLifecycleStage(current, target)` → the new stage, or undefined when it would not move forward.
 *   `other` and a blank stage sit below `subscriber` (they say nothing about how far the person got), so
 *   evidence of an opportunity moves them. A stage crmsync does not know (a custom stage id) is left alone:
 *   its place in the admin's pipeline is unknown, and moving it could be backwards.
 * - `planLifecycleUpdates(...)` → the updates for a set of contacts, with the company's other contacts
 *   following when `syncCompanyLifecycle` is on (also never backwards).
 */
export const lifecycleStages = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist'] as const;

export type LifecycleStage = (typeof lifecycleStages)[number];

export interface OpportunityRole {
  opportunityId: string;
  isClosed: boolean;
  isWon: boolean;
}

/** Rank in the order; -1 for blank or `other`; undefined for a stage outside HubSpot's default pipeline. */
export function lifecycleRank(stage: string | null | undefined): number | undefined {
  if (stage === null || stage === undefined || stage.trim() === '' || stage === 'other') return -1;
  const index = (lifecycleStages as readonly string[]).indexOf(stage);
  return index === -1 ? undefined : index;
}

export function lifecycleTargetFromRoles(roles: readonly OpportunityRole[]): 'opportunity' | 'customer' | undefined {
  if (roles.some((role) => role.isWon)) return 'customer';
  if (roles.some((role) => !role.isClosed)) return 'opportunity';
  return undefined;
}

export function advanceLifecycleStage(current: string | null | undefined, target: LifecycleStage): LifecycleStage | undefined {
  const rank = lifecycleRank(current);
  if (rank === undefined) return undefined;
  return lifecycleStages.indexOf(target) > rank ? target : undefined;
}

export interface LifecycleContact {
  hubspotId: string;
  stage: string | null;
  companyId: string | null;
  /** The roles of the Salesforce Contact the HubSpot contact is linked to; none for a Lead. */
  roles: readonly OpportunityRole[];
}

export interface LifecycleUpdate {
  hubspotId: string;
  stage: LifecycleStage;
  because: string;
}

/**
 * `contacts` are the contacts whose roles may have moved them; `companyMembers` gives, per company, its other
 * contacts with their current stages (only read when `syncCompanyLifecycle` is on). One update per contact,
 * the furthest stage justified.
 */
export function planLifecycleUpdates(
  contacts: readonly LifecycleContact[],
  options: { onOpportunityStage: 'update_lifecycle_stage' | 'do_nothing'; syncCompanyLifecycle: boolean },
  companyMembers: ReadonlyMap<string, ReadonlyArray<{ hubspotId: string; stage: string | null }>> = new Map(),
): LifecycleUpdate[] {
  if (options.onOpportunityStage === 'do_nothing') return [];
  const updates = new Map<string, LifecycleUpdate>();
  const propose = (hubspotId: string, current: string | null, target: LifecycleStage, because: string): void => {
    const earlier = updates.get(hubspotId);
    const from = earlier ? earlier.stage : current;
    const next = advanceLifecycleStage(from, target);
    if (next) updates.set(hubspotId, { hubspotId, stage: next, because });
  };
  for (const contact of contacts) {
    const target = lifecycleTargetFromRoles(contact.roles);
    if (!target) continue;
    propose(contact.hubspotId, contact.stage, target, target === 'customer' ? 'contact role on a Closed Won opportunity' : 'contact role on an open opportunity');
    if (options.syncCompanyLifecycle && contact.companyId) {
      for (const member of companyMembers.get(contact.companyId) ?? []) {
        if (member.hubspotId !== contact.hubspotId) propose(member.hubspotId, member.stage, target, `company ${contact.companyId} follows contact ${contact.hubspotId}`);
      }
    }
  }
  return [...updates.values()];
}
