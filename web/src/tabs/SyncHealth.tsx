/**
 * Sync Health (seed: "API call usage and sync errors"; SPEC section 8): calls used in the last 24 hours with an
 * hourly chart, the allocation with Update, Salesforce's limit and what remains; one card per error type, whose
 * details open in a right-hand panel; the suspension banner with Clear suspension.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, describeFailure, type HealthResponse } from '../api.ts';
import { useLive } from '../live.tsx';
import { Notice } from '../controls.tsx';
import { formatNumber, formatTime } from '../format.ts';
import { UsageChart } from '../UsageChart.tsx';
import { ErrorPanel, categoryWords } from '../ErrorPanel.tsx';

const suspensionWords: Record<NonNullable<HealthResponse['suspension']>['state'], string> = {
  salesforce_api_limit_exceeded: 'Salesforce API limit exceeded',
  api_access_disabled: 'API access is disabled for the Salesforce user',
  auth_failed: 'Authentication failed',
  object_permission_missing: 'A Salesforce object permission is missing',
  unknown: 'Unknown problem',
};


export function SyncHealthTab() {
  const { healthVersion } = useLive();
  const [health, setHealth] = useState<HealthResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [openCard, setOpenCard] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setHealth(await api.get<HealthResponse>('/api/health'));
      setError(null);
    } catch (failure) {
      setError(describeFailure(failure));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload, healthVersion]);

  if (error && !health) return <p className="form-error" role="alert">Sync Health could not be loaded: {error}</p>;
  if (!health) return <p role="status">Loading Sync Health…</p>;
  const card = health.errors.find((item) => item.type === openCard) ?? null;

  return (
    <div className={card ? 'health with-panel' : 'health'}>
      <div className="health-main">
        {health.suspension ? <SuspensionBanner suspension={health.suspension} onCleared={reload} /> : null}
        <ApiUsage usage={health.apiUsage} onChanged={reload} />
        {health.waiting.length > 0 ? (
          <Notice tone="info" title="Waiting to sync">
            <ul>
              {health.waiting.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </Notice>
        ) : null}
        <section className="card section" aria-labelledby="sync-errors-title">
          <header className="section-header">
            <h2 id="sync-errors-title">Sync errors</h2>
          </header>
          <p className="section-description">Every sync error that is preventing data from syncing between HubSpot and Salesforce. Click a card to see its records.</p>
          {health.errors.length === 0 ? (
            <p className="empty">No sync errors. Everything that should sync is syncing.</p>
          ) : (
            <ul className="error-cards">
              {health.errors.map((item) => (
                <li key={item.type}>
                  <button type="button" className={`error-card${item.type === openCard ? ' selected' : ''}`} aria-expanded={item.type === openCard} aria-controls="error-panel" onClick={() => setOpenCard(item.type === openCard ? null : item.type)}>
                    <span className="error-card-category">{categoryWords[item.category] ?? item.category}</span>
                    <span className="error-card-title">{item.title}</span>
                    <span className="error-card-counts">
                      <span>
                        <strong>{formatNumber(item.count)}</strong> {item.count === 1 ? 'error' : 'errors'}
                      </span>
                      <span>
                        <strong>{formatNumber(item.affectedRecords)}</strong> {item.affectedRecords === 1 ? 'record' : 'records'} affected
                      </span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {card ? <ErrorPanel card={card} onClose={() => setOpenCard(null)} onResynced={reload} /> : null}
    </div>
  );
}

function SuspensionBanner({ suspension, onCleared }: { suspension: NonNullable<HealthResponse['suspension']>; onCleared: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const clear = async () => {
    setBusy(true);
    try {
      await api.post('/api/suspension/clear');
      await onCleared();
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="notice notice-danger banner" role="alert">
      <div>
        <strong className="notice-title">Syncing is suspended: {suspensionWords[suspension.state] ?? suspension.state}</strong>
        <p>{suspension.reason}</p>
        <p className="muted">Since {formatTime(suspension.since)}. Nothing syncs until the cause is fixed and the suspension is cleared.</p>
        {error ? <p className="form-error">{error}</p> : null}
      </div>
      <button type="button" className="primary" onClick={() => void clear()} disabled={busy}>
        Clear suspension
      </button>
    </div>
  );
}

function ApiUsage({ usage, onChanged }: { usage: HealthResponse['apiUsage']; onChanged: () => Promise<void> }) {
  const [allocation, setAllocation] = useState(usage.allocation === null ? '' : String(usage.allocation));
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' | 'failed'; message: string }>({ kind: 'idle', message: '' });

  // A value saved elsewhere (CLI, another tab) shows here, unless the admin is typing a new one.
  useEffect(() => {
    if (state.kind !== 'saving') setAllocation(usage.allocation === null ? '' : String(usage.allocation));
  }, [usage.allocation]);

  const update = async (event: FormEvent) => {
    event.preventDefault();
    const text = allocation.trim();
    const value = text === '' ? null : Number(text);
    if (value !== null && (!Number.isInteger(value) || value < 1)) {
      setState({ kind: 'failed', message: 'Enter a whole number of API calls (at least 1), or leave it empty for no allocation of crmsync’s own.' });
      return;
    }
    setState({ kind: 'saving', message: 'Updating…' });
    try {
      await api.put('/api/health/allocation', { allocation: value });
      setState({ kind: 'saved', message: value === null ? 'Allocation removed: only Salesforce’s own limit applies.' : `Allocation updated to ${formatNumber(value)} calls per 24 hours.` });
      await onChanged();
    } catch (failure) {
      setState({ kind: 'failed', message: describeFailure(failure) });
    }
  };

  const share = usage.allocation ? Math.min(100, Math.round((usage.usedLast24h / usage.allocation) * 100)) : null;
  return (
    <section className="card section" aria-labelledby="api-usage-title">
      <header className="section-header">
        <h2 id="api-usage-title">API call usage</h2>
      </header>
      <p className="section-description">Set how many Salesforce API calls crmsync may use from the Salesforce API call limit, leaving room for your other integrations.</p>
      {usage.apiLimit ? (
        <Notice tone="warning" title="Holding back at the allocation" role="status">
          {usage.apiLimit.detail} (since {formatTime(usage.apiLimit.since)}). Pending changes are kept and sync as the 24-hour window frees.
        </Notice>
      ) : null}
      <div className="usage">
        <div className="usage-figures">
          <dl className="figures">
            <div>
              <dt>API calls used in the last 24 hours</dt>
              <dd data-testid="api-used">{formatNumber(usage.usedLast24h)}</dd>
            </div>
            <div>
              <dt>Remaining</dt>
              <dd data-testid="api-remaining">{formatNumber(usage.remaining, 'No limit set')}</dd>
            </div>
            <div>
              <dt>Limited by Salesforce</dt>
              <dd data-testid="api-limit">{formatNumber(usage.salesforceLimit, 'Not reported yet')}</dd>
            </div>
            <div>
              <dt>Left in the org (all integrations)</dt>
              <dd>{formatNumber(usage.salesforceRemaining, 'Not reported yet')}</dd>
            </div>
          </dl>
          {share !== null ? (
            <div className="meter-row">
              <meter min={0} max={100} value={share} low={60} high={85} optimum={0} aria-label="Share of the allocation used" />
              <span className="muted">{share}% of the allocation used</span>
            </div>
          ) : null}
          <form className="allocation" noValidate onSubmit={(event) => void update(event)}>
            <label htmlFor="allocation-input">API calls allocated to crmsync (per 24 hours)</label>
            <div className="inline">
              <input id="allocation-input" type="number" inputMode="numeric" min={1} step={1} placeholder="No allocation" value={allocation} onChange={(event) => setAllocation(event.target.value)} aria-describedby="allocation-hint" />
              <button type="submit" className="primary" disabled={state.kind === 'saving'}>
                Update
              </button>
            </div>
            <p id="allocation-hint" className="hint">
              Empty: no allocation of crmsync’s own; Salesforce’s limit still applies. Retries of failed records stop at 75% of the allocation.
            </p>
            <p className={`form-${state.kind}`} role="status">
              {state.message}
            </p>
          </form>
        </div>
        <UsageChart hourly={usage.hourly} allocation={usage.allocation} />
      </div>
      {usage.byOperation.length > 0 ? (
        <details className="by-operation">
          <summary>Calls by object and operation</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Object</th>
                <th scope="col">Operation</th>
                <th scope="col" className="num">
                  Calls
                </th>
              </tr>
            </thead>
            <tbody>
              {usage.byOperation.map((row) => (
                <tr key={`${row.object}/${row.operation}`}>
                  <td>{row.object}</td>
                  <td>{row.operation}</td>
                  <td className="num">{formatNumber(row.calls)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </section>
  );
}
