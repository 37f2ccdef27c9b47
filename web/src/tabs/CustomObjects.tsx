/**
 * Custom objects (seed: "Custom objects can also be synced from Salesforce to HubSpot"): each Salesforce custom
 * object (`Something__c`) syncs one way into a HubSpot object type, with its delete rule and the associations
 * that follow it.
 */
import { useId, useState, type FormEvent } from 'react';
import { Notice, Section } from '../controls.tsx';
import { useSettings, type Settings } from '../settings.tsx';

type CustomObject = Settings['customObjects'][number];

const associationChoices = ['contacts', 'companies', 'deals', 'tickets'] as const;

export function CustomObjectsTab() {
  const { settings, save } = useSettings();
  const customObjects = settings!.customObjects;
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);

  const replace = (next: CustomObject[], what: string) => save({ customObjects: next }, what);

  return (
    <div className="stack">
      <p className="tab-intro">Records of a Salesforce custom object sync from Salesforce into a HubSpot object, one way. Create the HubSpot custom object (its schema) in HubSpot first; crmsync fills it.</p>
      <Section title="Synced custom objects">
        {customObjects.length === 0 ? (
          <p className="empty">No custom objects sync yet. Add one below.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Salesforce object</th>
                  <th scope="col">HubSpot object</th>
                  <th scope="col">When deleted in Salesforce</th>
                  <th scope="col">Associations</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {customObjects.map((item, index) => (
                  <tr key={item.salesforceObject}>
                    <td>
                      <code>{item.salesforceObject}</code>
                    </td>
                    <td>
                      <code>{item.hubspotObjectType}</code>
                    </td>
                    <td>
                      <select
                        aria-label={`When a ${item.salesforceObject} record is deleted in Salesforce`}
                        value={item.onSalesforceDelete}
                        onChange={(event) => {
                          const next = customObjects.map((other, at) => (at === index ? { ...other, onSalesforceDelete: event.target.value as CustomObject['onSalesforceDelete'] } : other));
                          void replace(next, `delete rule of ${item.salesforceObject}`);
                        }}
                      >
                        <option value="delete">Delete the HubSpot record</option>
                        <option value="do_nothing">Do nothing</option>
                      </select>
                    </td>
                    <td>{item.associations.length > 0 ? item.associations.join(', ') : <span className="muted">none</span>}</td>
                    <td className="row-actions">
                      {confirmRemove === item.salesforceObject ? (
                        <>
                          <button
                            type="button"
                            className="danger"
                            onClick={() => {
                              setConfirmRemove(null);
                              void replace(
                                customObjects.filter((_, at) => at !== index),
                                `stopped syncing ${item.salesforceObject}`,
                              );
                            }}
                          >
                            Confirm stop syncing
                          </button>
                          <button type="button" className="link-button" onClick={() => setConfirmRemove(null)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <button type="button" className="danger-outline" onClick={() => setConfirmRemove(item.salesforceObject)} aria-label={`Stop syncing ${item.salesforceObject}`}>
                          Stop syncing
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <AddCustomObject existing={customObjects} onAdd={(item) => replace([...customObjects, item], `sync of ${item.salesforceObject} → ${item.hubspotObjectType}`)} />
    </div>
  );
}

function AddCustomObject({ existing, onAdd }: { existing: CustomObject[]; onAdd: (item: CustomObject) => Promise<boolean> }) {
  const [salesforceObject, setSalesforceObject] = useState('');
  const [hubspotObjectType, setHubspotObjectType] = useState('');
  const [onSalesforceDelete, setOnSalesforceDelete] = useState<CustomObject['onSalesforceDelete']>('do_nothing');
  const [associations, setAssociations] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const name = salesforceObject.trim();
    if (!/^[A-Za-z][A-Za-z0-9_]*__c$/.test(name)) {
      setProblem('A Salesforce custom object’s API name ends in __c (for example Project__c).');
      return;
    }
    if (existing.some((item) => item.salesforceObject === name)) {
      setProblem(`${name} already syncs.`);
      return;
    }
    setProblem(null);
    if (await onAdd({ salesforceObject: name, hubspotObjectType: hubspotObjectType.trim(), onSalesforceDelete, associations })) {
      setSalesforceObject('');
      setHubspotObjectType('');
      setAssociations([]);
    }
  };

  return (
    <Section title="Add a custom object sync">
      <form className="stack-tight" onSubmit={(event) => void submit(event)}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-sf`}>Salesforce object (API name)</label>
            <input id={`${id}-sf`} value={salesforceObject} onChange={(event) => setSalesforceObject(event.target.value)} placeholder="Project__c" required spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-hs`}>HubSpot object type</label>
            <input id={`${id}-hs`} value={hubspotObjectType} onChange={(event) => setHubspotObjectType(event.target.value)} placeholder="p_projects or 2-1234567" required spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-del`}>When a record is deleted in Salesforce</label>
            <select id={`${id}-del`} value={onSalesforceDelete} onChange={(event) => setOnSalesforceDelete(event.target.value as CustomObject['onSalesforceDelete'])}>
              <option value="do_nothing">Do nothing</option>
              <option value="delete">Delete the HubSpot record</option>
            </select>
          </div>
        </div>
        <fieldset className="question">
          <legend>Associate the HubSpot records with</legend>
          <div className="choices inline-choices">
            {associationChoices.map((choice) => (
              <label key={choice} className="choice">
                <input type="checkbox" checked={associations.includes(choice)} onChange={(event) => setAssociations((current) => (event.target.checked ? [...current, choice] : current.filter((item) => item !== choice)))} />
                <span>{choice}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {problem ? <Notice tone="danger" role="alert">{problem}</Notice> : null}
        <div className="form-actions">
          <button type="submit" className="primary">
            Add custom object sync
          </button>
        </div>
      </form>
    </Section>
  );
}
