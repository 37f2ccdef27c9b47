/** Discover features: what can be switched on, each linking to where it is set (seed: "Discover features"). */
import { useSettings } from '../settings.tsx';

export function DiscoverTab({ openImport }: { openImport: () => void }) {
  const { settings } = useSettings();
  const s = settings!;
  const timelineOn = Object.values(s.activities.timeline).filter(Boolean).length + Object.values(s.activities.fromSalesforce).filter(Boolean).length;
  const objectsOn = (['companies', 'deals', 'tickets'] as const).filter((object) => s[object].enabled);
  return (
    <div className="stack">
      <p className="tab-intro">Salesforce features you can use with HubSpot.</p>
      <ul className="feature-grid">
        <Feature title="Sync custom objects" status={s.customObjects.length > 0 ? `${s.customObjects.length} syncing` : 'Not set up'} href="#custom-objects" action="Set up custom objects">
          Sync records of Salesforce custom objects into HubSpot objects.
        </Feature>
        <li className="card feature">
          <h2>Import from Salesforce</h2>
          <p>Import leads, contacts, accounts, opportunities, tasks, cases, campaigns or custom object records into HubSpot, filtered by created or modified date, with live progress.</p>
          <button type="button" className="primary" onClick={openImport}>
            Start an import
          </button>
        </li>
        <Feature title="Sync activities" status={timelineOn > 0 ? `${timelineOn} activity types on` : 'Off'} href="#activities" action="Choose activities">
          Sync HubSpot engagements (form submissions, emails, meetings, calls, notes, tasks) to Salesforce tasks, and Salesforce activities to HubSpot.
        </Feature>
        <Feature title="Sync companies, deals and tickets" status={objectsOn.length > 0 ? `On: ${objectsOn.join(', ')}` : 'Off'} href="#companies" action="Open Companies">
          Companies sync with accounts, deals with opportunities, tickets with cases. Each has its own tab with a toggle and field mappings.
        </Feature>
        <li className="card feature">
          <h2>Workflow actions</h2>
          <p className="feature-status muted">Not available in crmsync</p>
          <p>HubSpot’s own integration adds workflow actions (create a Salesforce task, set a Salesforce campaign). crmsync has no workflow engine: trigger a sync from your own tooling with the HTTP API (<code>POST /api/sync</code>) instead.</p>
        </li>
      </ul>
    </div>
  );
}

function Feature(props: { title: string; status: string; href: string; action: string; children: string }) {
  return (
    <li className="card feature">
      <h2>{props.title}</h2>
      <p className="feature-status">{props.status}</p>
      <p>{props.children}</p>
      <a className="button" href={props.href}>
        {props.action}
      </a>
    </li>
  );
}
