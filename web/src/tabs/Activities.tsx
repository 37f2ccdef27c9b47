/**
 * Activities (seed: "HubSpot engagements can be synced to Salesforce tasks"): which HubSpot engagement types go
 * to the Salesforce timeline, and which Salesforce activity types come to HubSpot. Each switch saves at once.
 */
import { Section, Toggle } from '../controls.tsx';
import { useSettings, type Settings } from '../settings.tsx';

const timeline: Array<[keyof Settings['activities']['timeline'], string, string?]> = [
  // No CRM object stands behind these two in HubSpot's API (docs/activities.md): the switch is kept, and says so.
  ['formSubmissions', 'Form submissions', 'Not synced yet: HubSpot keeps form submissions outside its CRM objects, where crmsync cannot read them by change date.'],
  ['marketingEmails', 'Marketing emails', 'Not synced yet: HubSpot keeps marketing email events outside its CRM objects, where crmsync cannot read them by change date.'],
  ['salesEmails', 'Sales emails (one-to-one)'],
  ['meetings', 'Meetings'],
  ['calls', 'Calls'],
  ['notes', 'Notes'],
  ['tasks', 'Tasks'],
];

const fromSalesforce: Array<[keyof Settings['activities']['fromSalesforce'], string]> = [
  ['tasks', 'Tasks'],
  ['emails', 'Emails'],
  ['calls', 'Calls'],
  ['meetings', 'Meetings (events)'],
];

export function ActivitiesTab() {
  const { settings, save } = useSettings();
  const activities = settings!.activities;
  return (
    <div className="stack">
      <p className="tab-intro">HubSpot engagements (for example form submissions, email interactions, meetings) can be synced to Salesforce tasks, and Salesforce activities to the HubSpot timeline. Activities follow their contacts, companies and deals.</p>
      <Section title="HubSpot → Salesforce" description="Sync these HubSpot activities to the Salesforce timeline as tasks (meetings as events).">
        <div className="toggle-grid">
          {timeline.map(([key, label, note]) => (
            <Toggle key={key} label={label} checked={activities.timeline[key]} {...(note ? { description: note } : {})} onChange={(on) => void save({ [`activities.timeline.${key}`]: on }, `${label} to Salesforce ${on ? 'on' : 'off'}`)} />
          ))}
        </div>
      </Section>
      <Section title="Salesforce → HubSpot" description="Sync these Salesforce activities to the HubSpot timeline.">
        <div className="toggle-grid">
          {fromSalesforce.map(([key, label]) => (
            <Toggle key={key} label={`Salesforce ${label.toLowerCase()}`} checked={activities.fromSalesforce[key]} onChange={(on) => void save({ [`activities.fromSalesforce.${key}`]: on }, `Salesforce ${label.toLowerCase()} to HubSpot ${on ? 'on' : 'off'}`)} />
          ))}
        </div>
      </Section>
    </div>
  );
}
