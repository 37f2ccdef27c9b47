/**
 * "[Object] field mappings": the HubSpot property ↔ Salesforce field pairs of one object, each with its sync
 * rule (SPEC section 6). The editor lists both sides live (GET /api/schema/{object}) and shows whether a pair's
 * types are compatible before saving, with the same rules the server enforces (src/core/mapping/compatibility.ts,
 * a pure module bundled here). Defaults can have their rule changed but cannot be deleted.
 */
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { allowedSyncRules, checkTypeCompatibility } from '../../src/core/mapping/compatibility.ts';
import { fieldSyncRules, type FieldSyncRule, type HubSpotFieldType, type HubSpotPropertyDescription, type HubSpotPropertyType, type SalesforceFieldDescription, type SalesforceFieldType } from '../../src/core/mapping/model.ts';
import { api, describeFailure, type MappingInput, type MappingJson, type MappingsResponse, type SchemaFieldJson, type SchemaResponse } from './api.ts';
import { ErrorText } from './controls.tsx';

export const ruleLabels: Record<FieldSyncRule, string> = {
  prefer_salesforce_unless_blank: 'Prefer Salesforce unless blank',
  always_use_salesforce: 'Always use Salesforce',
  two_way: 'Two-way',
  prefer_hubspot_unless_blank: 'Prefer HubSpot unless blank',
  always_use_hubspot: 'Always use HubSpot',
  dont_sync: 'Don’t sync',
};

const ruleHints: Record<FieldSyncRule, string> = {
  prefer_salesforce_unless_blank: 'HubSpot writes only into an empty Salesforce field; otherwise Salesforce wins.',
  always_use_salesforce: 'Salesforce’s value always wins; HubSpot never writes to Salesforce.',
  two_way: 'The most recent change wins, field by field, blanking included.',
  prefer_hubspot_unless_blank: 'Salesforce writes only into an empty HubSpot property; otherwise HubSpot wins.',
  always_use_hubspot: 'HubSpot’s value always wins; Salesforce never writes to HubSpot.',
  dont_sync: 'The field is not synced either way.',
};

function hubspotDescription(field: SchemaFieldJson): HubSpotPropertyDescription {
  const [type, fieldType] = field.type.split('/');
  return { name: field.name, type: (type ?? '') as HubSpotPropertyType, fieldType: (fieldType ?? '') as HubSpotFieldType };
}

function salesforceDescription(field: SchemaFieldJson): SalesforceFieldDescription {
  return { name: field.name, type: field.type as SalesforceFieldType };
}

interface SalesforceChoice {
  field: SchemaFieldJson;
  objects: string[];
}

export function MappingEditor({ object, title }: { object: string; title: string }) {
  const [mappings, setMappings] = useState<MappingJson[] | null>(null);
  const [schema, setSchema] = useState<SchemaResponse | null>(null);
  const [schemaError, setSchemaError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [rowMessage, setRowMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [editing, setEditing] = useState<MappingJson | 'new' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const headingId = useId();

  useEffect(() => {
    let cancelled = false;
    api
      .get<MappingsResponse>(`/api/mappings/${encodeURIComponent(object)}`)
      .then((response) => !cancelled && setMappings(response.mappings))
      .catch((error: unknown) => !cancelled && setLoadError(describeFailure(error)));
    return () => {
      cancelled = true;
    };
  }, [object]);

  // Both sides' fields are read live when the editor opens and again when a form opens: a property just created
  // in HubSpot (or a field in Salesforce) is offered without reloading the page.
  const formOpen = editing !== null;
  useEffect(() => {
    let cancelled = false;
    api
      .get<SchemaResponse>(`/api/schema/${encodeURIComponent(object)}`)
      .then((response) => {
        if (cancelled) return;
        setSchema(response);
        setSchemaError(null);
      })
      .catch((error: unknown) => !cancelled && setSchemaError(describeFailure(error)));
    return () => {
      cancelled = true;
    };
  }, [object, formOpen]);

  const hubspotByName = useMemo(() => new Map((schema?.hubspot ?? []).map((field) => [field.name, field])), [schema]);
  const salesforceByName = useMemo(() => {
    const byName = new Map<string, SalesforceChoice>();
    for (const [salesforceObject, fields] of Object.entries(schema?.salesforce ?? {})) {
      for (const field of fields) {
        const known = byName.get(field.name);
        if (known) known.objects.push(salesforceObject);
        else byName.set(field.name, { field, objects: [salesforceObject] });
      }
    }
    return byName;
  }, [schema]);

  const change = useCallback(
    async (body: { upsert?: MappingInput[]; remove?: string[] }, done: string) => {
      setRowMessage(null);
      try {
        const response = await api.put<MappingsResponse>(`/api/mappings/${encodeURIComponent(object)}`, body);
        setMappings(response.mappings);
        setRowMessage({ tone: 'ok', text: done });
        return null;
      } catch (failure) {
        const text = describeFailure(failure);
        setRowMessage({ tone: 'error', text });
        return text;
      }
    },
    [object],
  );

  const rulesFor = (mapping: { hubspotProperty: string; salesforceField: string }): FieldSyncRule[] => {
    const hubspot = hubspotByName.get(mapping.hubspotProperty);
    const salesforce = salesforceByName.get(mapping.salesforceField);
    if (mapping.hubspotProperty === 'hubspot_owner_id') return ['two_way'];
    if (!hubspot || !salesforce) return [...fieldSyncRules];
    return allowedSyncRules(hubspotDescription(hubspot), salesforceDescription(salesforce.field));
  };

  return (
    <section className="card section" aria-labelledby={headingId}>
      <header className="section-header">
        <h2 id={headingId}>{title}</h2>
        <button type="button" className="primary" onClick={() => setEditing('new')} disabled={editing !== null || !mappings}>
          Add mapping
        </button>
      </header>
      <p className="section-description">View and edit which HubSpot properties sync with which Salesforce fields, and which side wins when both change. A new mapping applies to changes from now on; use Resync on Sync Health to backfill.</p>
      <ErrorText prefix="The mappings could not be loaded: ">{loadError}</ErrorText>
      <ErrorText prefix="The live HubSpot properties and Salesforce fields could not be read: ">{schemaError}</ErrorText>
      {editing !== null && mappings ? (
        <MappingForm
          key={editing === 'new' ? 'new' : editing.hubspotProperty}
          editing={editing === 'new' ? null : editing}
          mappings={mappings}
          schema={schema}
          hubspotByName={hubspotByName}
          salesforceByName={salesforceByName}
          onCancel={() => setEditing(null)}
          onSave={async (input) => {
            const failure = await change({ upsert: [input] }, `Saved mapping ${input.hubspotProperty} ↔ ${input.salesforceField}.`);
            if (!failure) setEditing(null);
            return failure;
          }}
        />
      ) : null}
      {rowMessage ? (
        <p className={rowMessage.tone === 'ok' ? 'form-saved' : 'form-error'} role={rowMessage.tone === 'ok' ? 'status' : 'alert'}>
          {rowMessage.text}
        </p>
      ) : null}
      {mappings ? (
        <div className="table-wrap">
          <table className="mappings">
            <thead>
              <tr>
                <th scope="col">HubSpot property</th>
                <th scope="col">Salesforce field</th>
                <th scope="col">Sync rule</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mappings.map((mapping) => {
                const hubspot = hubspotByName.get(mapping.hubspotProperty);
                const salesforce = salesforceByName.get(mapping.salesforceField);
                const rules = rulesFor(mapping);
                return (
                  <tr key={mapping.hubspotProperty} data-property={mapping.hubspotProperty}>
                    <td>
                      <span className="field-label">{hubspot?.label ?? mapping.hubspotProperty}</span>
                      <code>{mapping.hubspotProperty}</code>
                    </td>
                    <td>
                      <span className="field-label">{salesforce?.field.label ?? mapping.salesforceField}</span>
                      <code>{mapping.salesforceField}</code>
                      <span className="muted small"> on {mapping.salesforceObjects.join(', ')}</span>
                    </td>
                    <td>
                      <select
                        aria-label={`Sync rule for ${mapping.hubspotProperty}`}
                        value={mapping.rule}
                        disabled={rules.length <= 1}
                        onChange={(event) => {
                          const rule = event.target.value as FieldSyncRule;
                          void change({ upsert: [{ hubspotProperty: mapping.hubspotProperty, salesforceField: mapping.salesforceField, rule }] }, `${mapping.hubspotProperty}: ${ruleLabels[rule]}.`);
                        }}
                      >
                        {(rules.includes(mapping.rule) ? rules : [mapping.rule, ...rules]).map((rule) => (
                          <option key={rule} value={rule}>
                            {ruleLabels[rule]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className="row-actions">
                      {mapping.origin === 'default' ? (
                        <span className="badge" title="Default mappings cannot be deleted; their rule can be changed.">
                          Default
                        </span>
                      ) : confirmDelete === mapping.hubspotProperty ? (
                        <>
                          <button
                            type="button"
                            className="danger"
                            onClick={() => {
                              setConfirmDelete(null);
                              void change({ remove: [mapping.hubspotProperty] }, `Deleted mapping ${mapping.hubspotProperty} ↔ ${mapping.salesforceField}.`);
                            }}
                          >
                            Confirm delete
                          </button>
                          <button type="button" className="link-button" onClick={() => setConfirmDelete(null)}>
                            Keep
                          </button>
                        </>
                      ) : (
                        <>
                          <button type="button" onClick={() => setEditing(mapping)} disabled={editing !== null} aria-label={`Edit mapping ${mapping.hubspotProperty}`}>
                            Edit
                          </button>
                          <button type="button" className="danger-outline" onClick={() => setConfirmDelete(mapping.hubspotProperty)} aria-label={`Delete mapping ${mapping.hubspotProperty}`}>
                            Delete
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : loadError ? null : (
        <p role="status">Loading mappings…</p>
      )}
    </section>
  );
}

function MappingForm(props: {
  editing: MappingJson | null;
  mappings: MappingJson[];
  schema: SchemaResponse | null;
  hubspotByName: Map<string, SchemaFieldJson>;
  salesforceByName: Map<string, SalesforceChoice>;
  onCancel: () => void;
  onSave: (input: MappingInput) => Promise<string | null>;
}) {
  const { editing, mappings, hubspotByName, salesforceByName } = props;
  const [hubspotProperty, setHubspotProperty] = useState(editing?.hubspotProperty ?? '');
  const [salesforceField, setSalesforceField] = useState(editing?.salesforceField ?? '');
  const [rule, setRule] = useState<FieldSyncRule>(editing?.rule ?? 'prefer_salesforce_unless_blank');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const formId = useId();

  const mappedProperties = new Set(mappings.filter((mapping) => mapping.hubspotProperty !== editing?.hubspotProperty).map((mapping) => mapping.hubspotProperty));
  const mappedFields = new Set(mappings.filter((mapping) => mapping.hubspotProperty !== editing?.hubspotProperty).map((mapping) => mapping.salesforceField));
  const hubspot = hubspotByName.get(hubspotProperty);
  const salesforce = salesforceByName.get(salesforceField);
  const salesforceObjects = Object.keys(props.schema?.salesforce ?? {});

  const verdict = hubspot && salesforce ? checkTypeCompatibility(hubspotDescription(hubspot), salesforceDescription(salesforce.field)) : null;
  const allowed = hubspot && salesforce ? allowedSyncRules(hubspotDescription(hubspot), salesforceDescription(salesforce.field)) : [...fieldSyncRules];
  const effectiveRule = allowed.includes(rule) ? rule : (allowed[0] ?? rule);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!hubspotProperty || !salesforceField || (verdict && !verdict.ok)) return;
    setSaving(true);
    setError(await props.onSave({ hubspotProperty, salesforceField, rule: effectiveRule }));
    setSaving(false);
  };

  return (
    <form className="mapping-form" onSubmit={(event) => void submit(event)} aria-label={editing ? `Edit mapping ${editing.hubspotProperty}` : 'New mapping'}>
      <h3>{editing ? `Edit mapping: ${editing.hubspotProperty}` : 'New mapping'}</h3>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${formId}-hubspot`}>HubSpot property</label>
          <select id={`${formId}-hubspot`} value={hubspotProperty} onChange={(event) => setHubspotProperty(event.target.value)} disabled={editing !== null} required>
            <option value="">Choose a property…</option>
            {[...hubspotByName.values()].map((field) => (
              <option key={field.name} value={field.name} disabled={mappedProperties.has(field.name)}>
                {field.label} ({field.name}) · {field.type}
                {mappedProperties.has(field.name) ? ' · already mapped' : ''}
              </option>
            ))}
            {editing && !hubspotByName.has(editing.hubspotProperty) ? <option value={editing.hubspotProperty}>{editing.hubspotProperty}</option> : null}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-salesforce`}>Salesforce field</label>
          <select id={`${formId}-salesforce`} value={salesforceField} onChange={(event) => setSalesforceField(event.target.value)} required>
            <option value="">Choose a field…</option>
            {[...salesforceByName.values()].map(({ field, objects }) => (
              <option key={field.name} value={field.name} disabled={mappedFields.has(field.name)}>
                {field.label} ({field.name}) · {field.type}
                {salesforceObjects.length > 1 && objects.length < salesforceObjects.length ? ` · ${objects.join(', ')} only` : ''}
                {mappedFields.has(field.name) ? ' · already mapped' : ''}
              </option>
            ))}
            {editing && !salesforceByName.has(editing.salesforceField) ? <option value={editing.salesforceField}>{editing.salesforceField}</option> : null}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-rule`}>Sync rule</label>
          <select id={`${formId}-rule`} value={effectiveRule} onChange={(event) => setRule(event.target.value as FieldSyncRule)} aria-describedby={`${formId}-rule-hint`}>
            {allowed.map((item) => (
              <option key={item} value={item}>
                {ruleLabels[item]}
              </option>
            ))}
          </select>
          <p id={`${formId}-rule-hint`} className="hint">
            {ruleHints[effectiveRule]}
          </p>
        </div>
      </div>
      <div className="compatibility" role="status" aria-live="polite" data-testid="compatibility">
        {verdict === null ? (
          <span className="muted">Choose both sides to check that their types are compatible.</span>
        ) : verdict.ok ? (
          <span className="compatible">
            ✓ Compatible: {hubspot!.type} ↔ {salesforce!.field.type}
          </span>
        ) : (
          <span className="incompatible">✗ Not compatible: {verdict.reason}</span>
        )}
      </div>
      <ErrorText>{error}</ErrorText>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving || !hubspotProperty || !salesforceField || (verdict !== null && !verdict.ok)}>
          {saving ? 'Saving…' : 'Save mapping'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
