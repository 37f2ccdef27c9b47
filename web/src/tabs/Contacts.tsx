/**
 * The Contacts tab, section by section as the seed has it: create and update, deleting, lifecycle stage,
 * limiting what syncs (inclusion list), matching state and country fields, and the contact property mappings.
 * Wording and warnings are the seed's (HubSpot's article), adjusted only where crmsync behaves better.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { api, describeFailure } from '../api.ts';
import { ErrorText, Notice, RadioGroup, Section, Toggle } from '../controls.tsx';
import { MappingEditor } from '../MappingEditor.tsx';
import { useSettings, type Settings } from '../settings.tsx';

type Contacts = Settings['contacts'];

interface HubSpotList {
  listId: string;
  name: string;
  size: number | null;
}

export function ContactsTab() {
  const { settings, save } = useSettings();
  const contacts = settings!.contacts;
  const set = <K extends keyof Contacts>(key: K, value: Contacts[K], what: string) => void save({ [`contacts.${key}`]: value }, what);

  return (
    <div className="stack">
      <p className="tab-intro">Salesforce leads and contacts sync two ways with HubSpot contacts. HubSpot contacts always sync with Salesforce leads and/or contacts while the integration is on.</p>
      <Section title="Create and update contacts">
        <RadioGroup
          legend="When a Salesforce contact or lead is created or updated, in HubSpot:"
          name="onSalesforceUpsert"
          value={contacts.onSalesforceUpsert}
          choices={[
            { value: 'create_or_update_contact', label: 'Create or update contact' },
            { value: 'do_nothing', label: 'Do nothing' },
          ]}
          onChange={(value) => set('onSalesforceUpsert', value, 'what happens in HubSpot when a Salesforce contact or lead is created or updated')}
        >
          {contacts.onSalesforceUpsert === 'create_or_update_contact' ? (
            <Notice tone="info">
              When new Salesforce leads or contacts create HubSpot contacts, the matching HubSpot contact is created or deduplicated when the Salesforce lead or contact is created, even if the HubSpot contact is not in the inclusion list. Later updates to that contact or lead, from either side, do not sync while the contact stays outside the inclusion list.
            </Notice>
          ) : null}
        </RadioGroup>
        <RadioGroup
          legend="When a HubSpot contact is created or updated, in Salesforce:"
          name="hubspotCreatesIn"
          value={contacts.hubspotCreatesIn}
          choices={[
            { value: 'contact', label: 'Create or update contact' },
            { value: 'lead', label: 'Create or update lead' },
            { value: 'auto', label: 'Contact when the company is linked to an account, otherwise lead', hint: 'A HubSpot contact whose company is already synced to a Salesforce account becomes a contact on that account; anyone else becomes a lead.' },
          ]}
          onChange={(value) => set('hubspotCreatesIn', value, 'what happens in Salesforce when a HubSpot contact is created or updated')}
        >
          {contacts.hubspotCreatesIn === 'lead' ? (
            <Notice tone="warning" title="Duplicate companies" role="status">
              <p>
                With <strong>Create or update lead</strong>, turn off the HubSpot setting that automatically creates companies and associates them with contacts. Salesforce leads have no accounts, and companies are deduplicated through their associated contacts, not by domain: when a HubSpot contact is first created as a Salesforce lead with no account, a duplicate company is created in HubSpot as soon as an account is created by hand or the lead is converted to a contact in Salesforce.
              </p>
              <p>If “Automatically create and associate companies with contacts” is to stay on, sync HubSpot contacts to Salesforce as contacts to avoid duplicate companies.</p>
            </Notice>
          ) : null}
        </RadioGroup>
      </Section>

      <Section title="Deleting contacts">
        <RadioGroup
          legend="When a Salesforce contact or lead is deleted, in HubSpot:"
          name="onSalesforceDelete"
          value={contacts.onSalesforceDelete}
          choices={[
            { value: 'delete_contact', label: 'Delete contact' },
            { value: 'do_nothing', label: 'Do nothing' },
          ]}
          onChange={(value) => set('onSalesforceDelete', value, 'what happens in HubSpot when a Salesforce contact or lead is deleted')}
        />
        <p className="hint">When a HubSpot contact is deleted, Salesforce contacts and leads are not deleted.</p>
      </Section>

      <Section title="Adjusting lifecycle stage">
        <RadioGroup
          legend="When the stage of an opportunity of a Salesforce contact is updated in Salesforce:"
          name="onOpportunityStage"
          value={contacts.onOpportunityStage}
          choices={[
            { value: 'update_lifecycle_stage', label: 'Update the contact’s lifecycle stage in HubSpot' },
            { value: 'do_nothing', label: 'Do nothing' },
          ]}
          onChange={(value) => set('onOpportunityStage', value, 'what happens in HubSpot when an opportunity’s stage changes')}
        />
        <ul className="notes">
          <li>This never moves a HubSpot contact’s lifecycle stage backwards: a contact that is already a Customer does not go back to Opportunity when the Salesforce contact is on an open opportunity.</li>
          <li>A HubSpot contact’s lifecycle stage does not change anything on the matching Salesforce records.</li>
          <li>The Salesforce contact must be on the opportunity through a contact role. Custom relationship fields between contacts and opportunities, and opportunities without contact roles, do not change lifecycle stages.</li>
        </ul>
        <Toggle
          label="Sync lifecycle stages of companies"
          description="When a contact’s lifecycle stage is updated this way, the other HubSpot contacts associated with the same company are updated too."
          checked={contacts.syncCompanyLifecycle}
          disabled={contacts.onOpportunityStage === 'do_nothing'}
          onChange={(value) => set('syncCompanyLifecycle', value, 'Sync lifecycle stages of companies')}
        />
      </Section>

      <InclusionList value={contacts.inclusionListId} onChange={(value) => set('inclusionListId', value, 'inclusion list')} />

      <Section title="Matching state and country fields" description="Decide whether HubSpot’s default state and country values are converted so that they pass the validation of Salesforce’s state and country picklists.">
        <div className="two-columns">
          <RadioGroup
            legend="In Salesforce:"
            name="salesforcePicklists"
            value={contacts.salesforcePicklists}
            choices={[
              { value: 'disabled', label: 'Picklists are disabled in Salesforce' },
              { value: 'enabled', label: 'Picklists are enabled in Salesforce' },
              { value: 'enabled_customized', label: 'Picklists are enabled and customized in Salesforce' },
            ]}
            onChange={(value) => set('salesforcePicklists', value, 'Salesforce state and country picklists')}
          />
          <RadioGroup
            legend="In HubSpot:"
            name="stateCountryMode"
            value={contacts.stateCountryMode}
            choices={[
              { value: 'match_salesforce_defaults', label: 'Match default Salesforce state/country values when syncing', hint: '“CA”, “Calif.” and “California” all become the picklist’s value. A value that cannot be matched shows as a sync error, never dropped silently.' },
              { value: 'sync_as_is', label: 'Sync HubSpot state/country values to Salesforce as they are' },
            ]}
            onChange={(value) => set('stateCountryMode', value, 'state and country matching')}
          />
        </div>
      </Section>

      <MappingEditor object="contacts" title="Contact property mappings" />
    </div>
  );
}

function InclusionList({ value, onChange }: { value: string | null; onChange: (value: string | null) => void }) {
  const [lists, setLists] = useState<HubSpotList[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();

  const load = useCallback(async () => {
    setError(null);
    try {
      const response = await api.get<{ lists: HubSpotList[] }>('/api/hubspot/lists');
      setLists(response.lists);
    } catch (failure) {
      setError(describeFailure(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const known = lists?.some((list) => list.listId === value);
  return (
    <Section
      title="Limiting what syncs"
      description="Only contacts in the inclusion list sync from HubSpot to Salesforce. If no inclusion list is selected, every HubSpot contact syncs to Salesforce."
    >
      <div className="field">
        <label htmlFor={selectId}>Inclusion list</label>
        <div className="inline">
          <select id={selectId} value={value ?? ''} onChange={(event) => onChange(event.target.value === '' ? null : event.target.value)} disabled={lists === null && value === null}>
            <option value="">No inclusion list: every contact syncs</option>
            {(lists ?? []).map((list) => (
              <option key={list.listId} value={list.listId}>
                {list.name}
                {list.size !== null ? ` (${list.size} contacts)` : ''}
              </option>
            ))}
            {value !== null && !known ? <option value={value}>List {value}</option> : null}
          </select>
          <button type="button" onClick={() => void load()}>
            Refresh lists
          </button>
        </div>
        <p className="hint">Choosing a list updates the setting at once. To create an inclusion list, build an active list in HubSpot (Contacts › Lists), then refresh and pick it here.</p>
        <ErrorText prefix="The HubSpot lists could not be read: ">{error}</ErrorText>
      </div>
    </Section>
  );
}
