/**
 * The right-hand panel of an error card: the records with each system's message and links to the record in
 * HubSpot and Salesforce, select-and-resync, and the CSV export of the card. Messages and ids come from the
 * CRMs and are rendered as text.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, describeFailure, query, type ErrorCardJson, type ErrorsPage, type ResyncResponse, type SyncErrorJson } from './api.ts';
import { formatNumber, formatTime, safeHref } from './format.ts';
import { useLive } from './live.tsx';

const PAGE = 50;

export const categoryWords: Record<ErrorCardJson['category'], string> = {
  duplicates: 'Duplicates',
  property_value: 'Property values',
  custom_code: 'Custom code (validation rules, triggers, flows)',
  permissions: 'Permissions',
  associations: 'Associations',
  api_limit: 'API limit',
  connection: 'Connection',
};

export function ErrorPanel({ card, onClose, onResynced }: { card: ErrorCardJson; onClose: () => void; onResynced: () => Promise<void> }) {
  const { healthVersion } = useLive();
  const [errors, setErrors] = useState<SyncErrorJson[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const page = await api.get<ErrorsPage>(`/api/errors${query({ type: card.type, limit: PAGE })}`);
      setErrors(page.errors);
      setNextCursor(page.nextCursor);
      setSelected((current) => new Set([...current].filter((id) => page.errors.some((error) => error.id === id))));
    } catch (failure) {
      setMessage({ tone: 'error', text: describeFailure(failure) });
    } finally {
      setLoading(false);
    }
  }, [card.type]);

  useEffect(() => {
    void load();
  }, [load, healthVersion]);

  useEffect(() => {
    heading.current?.focus();
    setSelected(new Set());
    setMessage(null);
  }, [card.type]);

  const loadMore = async () => {
    if (!nextCursor) return;
    try {
      const page = await api.get<ErrorsPage>(`/api/errors${query({ type: card.type, limit: PAGE, cursor: nextCursor })}`);
      setErrors((current) => [...current, ...page.errors]);
      setNextCursor(page.nextCursor);
    } catch (failure) {
      setMessage({ tone: 'error', text: describeFailure(failure) });
    }
  };

  const resync = async (body: { ids: number[] } | { type: string }) => {
    setMessage(null);
    try {
      const response = await api.post<ResyncResponse>('/api/errors/resync', body);
      setMessage({ tone: 'ok', text: `${formatNumber(response.queued)} ${response.queued === 1 ? 'record' : 'records'} queued for resync; a sync run was requested.` });
      setSelected(new Set());
      await onResynced();
      await load();
    } catch (failure) {
      setMessage({ tone: 'error', text: describeFailure(failure) });
    }
  };

  const toggle = (id: number, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allSelected = errors.length > 0 && errors.every((error) => selected.has(error.id));

  return (
    <aside className="card error-panel" id="error-panel" aria-labelledby="error-panel-title" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <header className="section-header">
        <div>
          <p className="muted">{categoryWords[card.category] ?? card.category}</p>
          <h2 id="error-panel-title" ref={heading} tabIndex={-1}>
            {card.title}
          </h2>
          <p className="muted">
            {formatNumber(card.count)} errors · {formatNumber(card.affectedRecords)} records affected
          </p>
        </div>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close details">
          ×
        </button>
      </header>
      <div className="panel-actions">
        <label className="choice">
          <input type="checkbox" checked={allSelected} onChange={(event) => setSelected(event.target.checked ? new Set(errors.map((error) => error.id)) : new Set())} />
          <span>Select all shown</span>
        </label>
        <button type="button" className="primary" disabled={selected.size === 0} onClick={() => void resync({ ids: [...selected] })}>
          Resync {selected.size > 0 ? `${selected.size} selected` : 'selected'}
        </button>
        <button type="button" onClick={() => void resync({ type: card.type })}>
          Resync all
        </button>
        <a className="button" href={`/api/errors.csv${query({ type: card.type })}`} download={`crmsync-errors-${card.type.replace(/[^A-Za-z0-9_-]+/g, '_')}.csv`}>
          Export CSV
        </a>
      </div>
      {message ? (
        <p className={message.tone === 'ok' ? 'form-saved' : 'form-error'} role={message.tone === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      ) : null}
      {loading && errors.length === 0 ? <p role="status">Loading records…</p> : null}
      {!loading && errors.length === 0 ? <p className="empty">No current errors of this type.</p> : null}
      <ul className="error-records">
        {errors.map((error) => (
          <ErrorRecord key={error.id} error={error} selected={selected.has(error.id)} onToggle={toggle} />
        ))}
      </ul>
      {nextCursor ? (
        <button type="button" onClick={() => void loadMore()}>
          Show more
        </button>
      ) : null}
    </aside>
  );
}

function ErrorRecord({ error, selected, onToggle }: { error: SyncErrorJson; selected: boolean; onToggle: (id: number, on: boolean) => void }) {
  const hubspotHref = safeHref(error.hubspotUrl);
  const salesforceHref = safeHref(error.salesforceUrl);
  const checkboxId = `error-${error.id}`;
  return (
    <li className="error-record" data-testid="error-record">
      <input id={checkboxId} type="checkbox" checked={selected} onChange={(event) => onToggle(error.id, event.target.checked)} />
      <div>
        <label htmlFor={checkboxId} className="record-title">
          {error.object}
          {error.field ? ` · ${error.field}` : ''}
          {error.vendorCode ? <span className="muted"> · {error.vendorCode}</span> : null}
        </label>
        <p className="record-message">{error.message}</p>
        <p className="record-links">
          {error.hubspotId ? hubspotHref ? <a href={hubspotHref} target="_blank" rel="noopener noreferrer">HubSpot {error.hubspotId}</a> : <span>HubSpot {error.hubspotId}</span> : null}
          {error.salesforceId ? salesforceHref ? <a href={salesforceHref} target="_blank" rel="noopener noreferrer">Salesforce {error.salesforceId}</a> : <span>Salesforce {error.salesforceId}</span> : null}
        </p>
        <p className="muted small">
          First seen {formatTime(error.firstSeenAt)} · last {formatTime(error.lastSeenAt)} · {error.attempts} {error.attempts === 1 ? 'attempt' : 'attempts'}
          {error.nextRetryAt ? ` · next retry ${formatTime(error.nextRetryAt)}` : ''}
        </p>
      </div>
    </li>
  );
}
