/**
 * Companies, Deals and Tickets (seed: "Managing object and activity sync settings"): the toggle that syncs the
 * object, what a Salesforce delete does, and "[Object] field mappings".
 */
import { Notice, RadioGroup, Section, Toggle } from '../controls.tsx';
import { MappingEditor } from '../MappingEditor.tsx';
import { useSettings } from '../settings.tsx';

const objects = {
  companies: { hubspot: 'companies', hubspotOne: 'company', salesforce: 'accounts', salesforceOne: 'account', title: 'Company' },
  deals: { hubspot: 'deals', hubspotOne: 'deal', salesforce: 'opportunities', salesforceOne: 'opportunity', title: 'Deal' },
  tickets: { hubspot: 'tickets', hubspotOne: 'ticket', salesforce: 'cases', salesforceOne: 'case', title: 'Ticket' },
} as const;

const matching: Record<keyof typeof objects, string> = {
  companies: 'Companies are matched by the stored link, then through their associated contacts: never by domain alone.',
  deals: 'Deals are matched by the stored link only: a new deal creates a new opportunity, and the other way round.',
  tickets: 'Tickets are matched by the stored link only.',
};

export function ObjectTab({ object }: { object: keyof typeof objects }) {
  const { settings, save } = useSettings();
  const words = objects[object];
  const current = settings![object];
  return (
    <div className="stack">
      <p className="tab-intro">
        HubSpot {words.hubspot} sync with Salesforce {words.salesforce}. {matching[object]}
      </p>
      <Section title={`Sync ${words.hubspot}`}>
        <Toggle
          label={`Sync HubSpot ${words.hubspot} with Salesforce ${words.salesforce}`}
          checked={current.enabled}
          onChange={(enabled) => void save({ [`${object}.enabled`]: enabled }, `${words.title} sync ${enabled ? 'on' : 'off'}`)}
          description={current.enabled ? `On: ${words.hubspot} and ${words.salesforce} sync both ways on every run.` : `Off: ${words.hubspot} do not sync.`}
        />
        <RadioGroup
          legend={`When a Salesforce ${words.salesforceOne} is deleted, in HubSpot:`}
          name={`${object}-delete`}
          value={current.onSalesforceDelete}
          choices={[
            { value: 'delete', label: `Delete ${words.hubspotOne}` },
            { value: 'do_nothing', label: 'Do nothing' },
          ]}
          onChange={(value) => void save({ [`${object}.onSalesforceDelete`]: value }, `what happens in HubSpot when a Salesforce ${words.salesforceOne} is deleted`)}
        />
        <p className="hint">
          When a HubSpot {words.hubspotOne} is deleted, the Salesforce {words.salesforceOne} is not deleted.
        </p>
        {!current.enabled ? <Notice tone="info">The field mappings below apply once {words.hubspot} sync is on.</Notice> : null}
      </Section>
      <MappingEditor object={object} title={`${words.title} field mappings`} key={object} />
    </div>
  );
}
