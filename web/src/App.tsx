/**
 * The settings page of the seed (HubSpot's "Manage your Salesforce integration settings"), tab by tab. Tabs are
 * addressed by the URL hash (#contacts), so a link from Discover features or a reload lands on the same tab.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api, setCsrfToken, whenUnauthorized, describeFailure } from './api.ts';
import { Login } from './Login.tsx';
import { LiveProvider, useLive, phaseLabel } from './live.tsx';
import { SettingsProvider, useSettings } from './settings.tsx';
import { ImportDialog } from './ImportDialog.tsx';
import { SyncHealthTab } from './tabs/SyncHealth.tsx';
import { DiscoverTab } from './tabs/Discover.tsx';
import { ContactsTab } from './tabs/Contacts.tsx';
import { ObjectTab } from './tabs/ObjectTab.tsx';
import { ActivitiesTab } from './tabs/Activities.tsx';
import { CustomObjectsTab } from './tabs/CustomObjects.tsx';
import { formatTime } from './format.ts';

export const tabs = [
  { id: 'sync-health', label: 'Sync Health' },
  { id: 'discover', label: 'Discover features' },
  { id: 'contacts', label: 'Contacts' },
  { id: 'companies', label: 'Companies' },
  { id: 'deals', label: 'Deals' },
  { id: 'tickets', label: 'Tickets' },
  { id: 'activities', label: 'Activities' },
  { id: 'custom-objects', label: 'Custom objects' },
] as const;

export type TabId = (typeof tabs)[number]['id'];

function tabFromHash(): TabId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return tabs.find((tab) => tab.id === id)?.id ?? 'sync-health';
}

export function App() {
  const [session, setSession] = useState<'checking' | 'in' | 'out'>('checking');

  useEffect(() => {
    whenUnauthorized(() => {
      setCsrfToken(null);
      setSession('out');
    });
    api
      .get<{ authenticated: boolean; csrfToken: string | null }>('/api/session')
      .then((response) => {
        setCsrfToken(response.csrfToken);
        setSession(response.authenticated ? 'in' : 'out');
      })
      .catch(() => setSession('out'));
  }, []);

  if (session === 'checking') return <p className="loading" role="status">Loading…</p>;
  if (session === 'out')
    return (
      <Login
        onLoggedIn={(csrfToken) => {
          setCsrfToken(csrfToken);
          setSession('in');
        }}
      />
    );
  return (
    <LiveProvider>
      <SettingsProvider>
        <Shell
          onLoggedOut={() => {
            setCsrfToken(null);
            setSession('out');
          }}
        />
      </SettingsProvider>
    </LiveProvider>
  );
}

function Shell({ onLoggedOut }: { onLoggedOut: () => void }) {
  const [tab, setTab] = useState<TabId>(tabFromHash);
  const [importOpen, setImportOpen] = useState(false);
  const tabRefs = useRef(new Map<TabId, HTMLButtonElement>());

  useEffect(() => {
    const follow = () => setTab(tabFromHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const select = useCallback((id: TabId, focus = false) => {
    if (window.location.hash !== `#${id}`) window.history.replaceState(null, '', `#${id}`);
    setTab(id);
    if (focus) tabRefs.current.get(id)?.focus();
  }, []);

  // WAI-ARIA tabs: arrow keys, Home and End move between tabs.
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = tabs.length - 1;
    const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    select(tabs[target]!.id, true);
  };

  const logOut = async () => {
    try {
      await api.delete('/api/session');
    } finally {
      onLoggedOut();
    }
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇄
          </span>
          <div>
            <h1>Salesforce integration</h1>
            <p className="muted">crmsync · HubSpot ⇄ Salesforce</p>
          </div>
        </div>
        <SyncStatusBar />
        <div className="topbar-actions">
          <button type="button" onClick={() => setImportOpen(true)}>
            Import from Salesforce
          </button>
          <button type="button" className="link-button" onClick={() => void logOut()}>
            Log out
          </button>
        </div>
      </header>
      <nav className="tabs" role="tablist" aria-label="Integration settings">
        {tabs.map((item, index) => (
          <button
            key={item.id}
            ref={(element) => {
              if (element) tabRefs.current.set(item.id, element);
            }}
            type="button"
            role="tab"
            id={`tab-${item.id}`}
            aria-selected={tab === item.id}
            aria-controls={`panel-${item.id}`}
            tabIndex={tab === item.id ? 0 : -1}
            className="tab"
            onClick={() => select(item.id)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {item.label}
          </button>
        ))}
      </nav>
      <SaveStatus />
      <main className="panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={-1}>
        <TabContent tab={tab} openImport={() => setImportOpen(true)} />
      </main>
      {importOpen ? <ImportDialog onClose={() => setImportOpen(false)} /> : null}
    </div>
  );
}

function TabContent({ tab, openImport }: { tab: TabId; openImport: () => void }) {
  const { settings, loadError } = useSettings();
  if (tab === 'sync-health') return <SyncHealthTab />;
  if (loadError) return <p className="form-error" role="alert">The settings could not be loaded: {loadError}</p>;
  if (!settings) return <p role="status">Loading settings…</p>;
  switch (tab) {
    case 'discover':
      return <DiscoverTab openImport={openImport} />;
    case 'contacts':
      return <ContactsTab />;
    case 'companies':
    case 'deals':
    case 'tickets':
      return <ObjectTab object={tab} key={tab} />;
    case 'activities':
      return <ActivitiesTab />;
    case 'custom-objects':
      return <CustomObjectsTab />;
  }
}

function SaveStatus() {
  const { saveState } = useSettings();
  return (
    <div className={`save-status save-${saveState.kind}`} role="status" aria-live="polite">
      {saveState.message}
    </div>
  );
}

function SyncStatusBar() {
  const { status, connected } = useLive();
  const [requesting, setRequesting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const progress = status?.current?.progress;
  const syncNow = async () => {
    setRequesting(true);
    setError(null);
    try {
      await api.post('/api/sync');
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setRequesting(false);
    }
  };
  return (
    <div className="sync-status" aria-label="Sync status">
      <span className={`phase phase-${status?.phase ?? 'unknown'}`} data-testid="sync-phase">
        <span className="dot" aria-hidden="true" />
        {phaseLabel(status)}
      </span>
      <span className="muted sync-detail" data-testid="sync-detail">
        {progress
          ? `${progress.step}: ${progress.done}${progress.total !== null ? ` of ${progress.total}` : ''}`
          : status?.lastRun
            ? `Last run ${status.lastRun.outcome} at ${formatTime(status.lastRun.finishedAt)}`
            : ''}
        {!connected && status ? ' · live updates reconnecting' : ''}
      </span>
      <button type="button" onClick={() => void syncNow()} disabled={requesting}>
        {requesting ? 'Requested…' : 'Sync now'}
      </button>
      {error ? (
        <span className="form-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
