/**
 * Import Salesforce records into HubSpot (SPEC section 7, "Imports"), filtered by created or modified date,
 * with live progress: the import runs on the server; the dialog follows GET /api/import/{id} until it ends.
 * A modal dialog: focus starts inside, Escape closes, focus returns to the opener.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, ApiError, describeFailure, type ImportStatus } from './api.ts';
import { formatNumber } from './format.ts';
import { ErrorText } from './controls.tsx';

const importable = [
  ['Lead', 'Leads'],
  ['Contact', 'Contacts'],
  ['Account', 'Accounts'],
  ['Opportunity', 'Opportunities'],
  ['Task', 'Tasks'],
  ['Case', 'Cases'],
  ['Campaign', 'Campaigns'],
] as const;

const POLL_MS = 700;

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const [object, setObject] = useState<string>('Contact');
  const [customObject, setCustomObject] = useState('');
  const [createdAfter, setCreatedAfter] = useState('');
  const [modifiedAfter, setModifiedAfter] = useState('');
  const [status, setStatus] = useState<ImportStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const id = useId();

  useEffect(() => {
    opener.current = document.activeElement;
    dialog.current?.querySelector<HTMLElement>('select, input, button')?.focus();
    return () => {
      if (opener.current instanceof HTMLElement) opener.current.focus();
    };
  }, []);

  // Escape closes the dialog wherever focus is (the form that had it is replaced by the progress view).
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const importId = status?.importId;
  useEffect(() => {
    if (importId) dialog.current?.querySelector<HTMLElement>('button')?.focus();
  }, [importId]);
  const running = status?.state === 'running';
  useEffect(() => {
    if (!importId || !running) return;
    const timer = window.setInterval(() => {
      api
        .get<ImportStatus>(`/api/import/${encodeURIComponent(importId)}`)
        .then(setStatus)
        .catch((failure: unknown) => setError(describeFailure(failure)));
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [importId, running]);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setStarting(true);
    const target = object === 'custom' ? customObject.trim() : object;
    try {
      const request = {
        object: target,
        ...(createdAfter ? { createdAfter: new Date(`${createdAfter}T00:00:00Z`).toISOString() } : {}),
        ...(modifiedAfter ? { modifiedAfter: new Date(`${modifiedAfter}T00:00:00Z`).toISOString() } : {}),
      };
      const { importId: started } = await api.post<{ importId: string }>('/api/import', request);
      setStatus({ importId: started, object: target, state: 'running', read: 0, total: null, created: 0, updated: 0, failed: 0, failure: null, apiCalls: { salesforce: 0, hubspot: 0 }, startedAt: new Date().toISOString(), finishedAt: null });
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 501 ? 'Import is not available in this version of crmsync yet.' : describeFailure(failure));
    } finally {
      setStarting(false);
    }
  };

  // Tab stays inside the dialog while it is open.
  const trapFocus = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || !dialog.current) return;
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>('button, input, select, a[href]')].filter((element) => !element.hasAttribute('disabled'));
    const first = focusable[0];
    const last = focusable.at(-1);
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };

  return (
    <div className="backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div className="card dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={dialog} onKeyDown={trapFocus}>
        <header className="section-header">
          <h2 id={titleId}>Import from Salesforce</h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close import">
            ×
          </button>
        </header>
        {status ? (
          <ImportProgress status={status} />
        ) : (
          <form className="stack-tight" onSubmit={(event) => void start(event)}>
            <p className="section-description">Import existing Salesforce records into HubSpot. Records already linked are updated, never duplicated.</p>
            <div className="field">
              <label htmlFor={`${id}-object`}>Salesforce object</label>
              <select id={`${id}-object`} value={object} onChange={(event) => setObject(event.target.value)}>
                {importable.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
                <option value="custom">A custom object…</option>
              </select>
            </div>
            {object === 'custom' ? (
              <div className="field">
                <label htmlFor={`${id}-custom`}>Custom object API name</label>
                <input id={`${id}-custom`} value={customObject} onChange={(event) => setCustomObject(event.target.value)} placeholder="Project__c" required pattern="[A-Za-z][A-Za-z0-9_]*__c" />
              </div>
            ) : null}
            <div className="form-grid">
              <div className="field">
                <label htmlFor={`${id}-created`}>Created on or after (optional)</label>
                <input id={`${id}-created`} type="date" value={createdAfter} onChange={(event) => setCreatedAfter(event.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-modified`}>Modified on or after (optional)</label>
                <input id={`${id}-modified`} type="date" value={modifiedAfter} onChange={(event) => setModifiedAfter(event.target.value)} />
              </div>
            </div>
            <ErrorText>{error}</ErrorText>
            <div className="form-actions">
              <button type="submit" className="primary" disabled={starting}>
                {starting ? 'Starting…' : 'Start import'}
              </button>
              <button type="button" onClick={onClose}>
                Cancel
              </button>
            </div>
          </form>
        )}
        {status ? <ErrorText>{error}</ErrorText> : null}
        {status && status.state !== 'running' ? (
          <div className="form-actions">
            <button type="button" className="primary" onClick={onClose}>
              Close
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
}

const stateWords: Record<ImportStatus['state'], string> = { running: 'Importing…', succeeded: 'Import finished', failed: 'Import failed', interrupted: 'Import interrupted' };

function ImportProgress({ status }: { status: ImportStatus }) {
  return (
    <div className="import-progress" data-testid="import-progress" data-state={status.state}>
      <p role="status" aria-live="polite">
        <strong>{stateWords[status.state]}</strong> {status.object}: {formatNumber(status.read)}
        {status.total !== null ? ` of ${formatNumber(status.total)}` : ''} records read
      </p>
      <progress max={status.total ?? undefined} value={status.total !== null ? status.read : undefined} aria-label="Import progress" />
      <dl className="figures compact">
        <div>
          <dt>Created in HubSpot</dt>
          <dd data-testid="import-created">{formatNumber(status.created)}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd data-testid="import-updated">{formatNumber(status.updated)}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd data-testid="import-failed">{formatNumber(status.failed)}</dd>
        </div>
      </dl>
      <ErrorText>{status.failure}</ErrorText>
      {status.failed > 0 ? <p className="hint">Records that failed are listed on Sync Health.</p> : null}
    </div>
  );
}
