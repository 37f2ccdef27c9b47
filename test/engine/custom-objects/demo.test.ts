/**
 * The demo seeds carry a custom object on both sides (Salesforce Project__c, HubSpot p_projects): once
 * `customObjects` names it, a cycle brings the projects over with their company and contact associations.
 */
import { describe, expect, it } from 'vitest';
import { runSyncCycle, TallyingMeter } from '../../../src/engine/cycle.ts';
import { demoClients, useDemoWorld } from '../../helpers/demo-world.ts';

describe('the demo custom object', () => {
  const demo = useDemoWorld();

  it('syncs Project__c into p_projects with the linked company and contact', async () => {
    const { store } = demo;
    const calls = { salesforce: new TallyingMeter(), hubspot: new TallyingMeter() };
    const { salesforce, hubspot } = demoClients(demo, calls);
    const document = { companies: { enabled: true }, customObjects: [{ salesforceObject: 'Project__c', hubspotObjectType: 'p_projects', associations: ['contacts', 'companies'] }] };
    await store.settings.write(document, 0, new Date());

    const summary = await runSyncCycle({ store, salesforce, hubspot, calls, clock: () => new Date() });
    expect(summary.refusedCustomObjects).toEqual([]);
    expect(summary.objects.find((object) => object.object === 'Project__c')?.hubspot.created).toBe(3);
    const { objectTypeId } = await hubspot.objectSchema('p_projects');
    const projects = (await hubspot.client.crm.objects.basicApi.getPage(objectTypeId, 10, undefined, ['project_name', 'stage', 'salesforce_id'])).results;
    expect(projects.map((project) => project.properties.project_name).sort()).toEqual(['Data migration', 'Onboarding', 'Rollout']);
    const ids = projects.map((project) => project.id);
    expect([...(await hubspot.associationsOf(objectTypeId, 'companies', ids)).values()].filter((list) => list.length === 1)).toHaveLength(3);
    expect([...(await hubspot.associationsOf(objectTypeId, 'contacts', ids)).values()].filter((list) => list.length === 1)).toHaveLength(3);
  });
});
