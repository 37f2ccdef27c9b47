/**
 * HubSpot engagements ↔ Salesforce Tasks and Events (SPEC section 3, issue 5), as data: per engagement type, the
 * Salesforce object it becomes, the subtype that marks it there, the property ↔ field pairs and the two toggles.
 *
 * What HubSpot's own integration does, and where this follows it (docs/activities.md has the sources):
 * - Timeline sync is one-way, HubSpot → Salesforce Task, and only for a contact that is synced; activity owners do
 *   not sync. Meetings become Events here (SPEC: "Task (and Event for meetings)").
 * - Salesforce → HubSpot per type: Task (TaskSubtype Task) → task, Email → email, Call → call, Event → meeting.
 * - A synced activity keeps its direction: changes flow from the side it was made on only (`origin`), so an edit
 *   on the copy never bounces back, as HubSpot's one-way timeline sync behaves.
 * Form submissions and marketing emails are not CRM objects in HubSpot's v3 API (no object type to search or
 * read), so their toggles have no kind here; the engine reports them as not synced rather than pretending.
 */
import type { ActivityFieldPair, ActivityKind } from '../core/activities/kinds.ts';
import type { ValueShape } from '../core/mapping/model.ts';
import { valueMap } from '../core/mapping/picklist-values.ts';
import type { SettingKey } from './description.ts';

/** The settings keys checked against the settings type, so a renamed toggle breaks this file at compile time. */
export interface ActivityKindDescription extends ActivityKind {
  timelineSettingKey: SettingKey | null;
  fromSalesforceSettingKey: SettingKey | null;
}

const subject: ValueShape = { kind: 'text', salesforceType: 'string', maxLength: 255 };
const longText: ValueShape = { kind: 'text', salesforceType: 'textarea', maxLength: 32_000 };
const day: ValueShape = { kind: 'datetime', salesforceType: 'date' };
const instant: ValueShape = { kind: 'datetime', salesforceType: 'datetime' };

const pair = (hubspotProperty: string, salesforceField: string, value: ValueShape, options: Omit<ActivityFieldPair, 'hubspotProperty' | 'salesforceField' | 'value'> = {}): ActivityFieldPair => ({
  hubspotProperty,
  salesforceField,
  value,
  ...options,
});

const choice = (name: string, salesforce: readonly string[], hubspot: readonly string[], toSalesforce: Record<string, string>, toHubspot: Record<string, string>): ValueShape => ({
  kind: 'choice',
  salesforceType: 'picklist',
  choices: { salesforce: { values: salesforce, restricted: true }, hubspot, valueMap: valueMap(name, toSalesforce, toHubspot) },
});

// Salesforce's default Task Status and Priority picklists against HubSpot's hs_task_status / hs_task_priority options.
const taskStatus = choice(
  'task status',
  ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
  ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'],
  { NOT_STARTED: 'Not Started', IN_PROGRESS: 'In Progress', WAITING: 'Waiting on someone else', COMPLETED: 'Completed', DEFERRED: 'Deferred' },
  { 'Not Started': 'NOT_STARTED', 'In Progress': 'IN_PROGRESS', 'Waiting on someone else': 'WAITING', Completed: 'COMPLETED', Deferred: 'DEFERRED' },
);
const taskPriority = choice('task priority', ['High', 'Normal', 'Low'], ['NONE', 'LOW', 'MEDIUM', 'HIGH'], { HIGH: 'High', MEDIUM: 'Normal', NONE: 'Normal', LOW: 'Low' }, { High: 'HIGH', Normal: 'MEDIUM', Low: 'LOW' });
const callDirection = choice('call direction', ['Internal', 'Inbound', 'Outbound'], ['INBOUND', 'OUTBOUND'], { INBOUND: 'Inbound', OUTBOUND: 'Outbound' }, { Inbound: 'INBOUND', Outbound: 'OUTBOUND' });

/** Logged activities already happened: the Task HubSpot's timeline sync writes for one is closed. */
const completed = { Status: 'Completed' } as const;

export const activityKinds: readonly ActivityKindDescription[] = [
  {
    hubspotObjectType: 'notes',
    salesforceObject: 'Task',
    taskSubtype: 'Task',
    // A note has no title of its own; the Task needs a Subject to be found in Salesforce's activity list.
    salesforceOnCreate: { ...completed, Type: 'Other', Subject: 'Note' },
    hubspotOnCreate: {},
    hubspotTimestampFallback: 'CreatedDate',
    timelineSettingKey: 'activities.timeline.notes',
    fromSalesforceSettingKey: null,
    fields: [pair('hs_note_body', 'Description', longText, { html: true, only: 'to_salesforce' }), pair('hs_timestamp', 'ActivityDate', day, { only: 'to_salesforce' })],
  },
  {
    hubspotObjectType: 'emails',
    salesforceObject: 'Task',
    taskSubtype: 'Email',
    salesforceOnCreate: { ...completed, Type: 'Email' },
    // A Salesforce email Task records a sent email.
    hubspotOnCreate: { hs_email_direction: 'EMAIL', hs_email_status: 'SENT' },
    hubspotTimestampFallback: 'CreatedDate',
    timelineSettingKey: 'activities.timeline.salesEmails',
    fromSalesforceSettingKey: 'activities.fromSalesforce.emails',
    fields: [
      pair('hs_email_subject', 'Subject', subject),
      // Emails logged from an inbox often carry only the HTML body.
      pair('hs_email_text', 'Description', longText, { hubspotFallbacks: ['hs_email_html'], html: true }),
      pair('hs_timestamp', 'ActivityDate', day),
    ],
  },
  {
    hubspotObjectType: 'calls',
    salesforceObject: 'Task',
    taskSubtype: 'Call',
    salesforceOnCreate: { ...completed, Type: 'Call' },
    hubspotOnCreate: { hs_call_status: 'COMPLETED' },
    hubspotTimestampFallback: 'CreatedDate',
    timelineSettingKey: 'activities.timeline.calls',
    fromSalesforceSettingKey: 'activities.fromSalesforce.calls',
    fields: [pair('hs_call_title', 'Subject', subject), pair('hs_call_body', 'Description', longText, { html: true }), pair('hs_timestamp', 'ActivityDate', day), pair('hs_call_direction', 'CallType', callDirection)],
  },
  {
    hubspotObjectType: 'meetings',
    salesforceObject: 'Event',
    taskSubtype: null,
    salesforceOnCreate: { Type: 'Meeting' },
    hubspotOnCreate: {},
    hubspotTimestampFallback: 'CreatedDate',
    timelineSettingKey: 'activities.timeline.meetings',
    fromSalesforceSettingKey: 'activities.fromSalesforce.meetings',
    fields: [
      pair('hs_meeting_title', 'Subject', subject),
      pair('hs_meeting_body', 'Description', longText, { html: true }),
      pair('hs_meeting_location', 'Location', subject),
      // Salesforce requires a start and an end on an Event; a meeting logged without them happened at its timestamp.
      pair('hs_meeting_start_time', 'StartDateTime', instant, { hubspotFallbacks: ['hs_timestamp'] }),
      pair('hs_meeting_end_time', 'EndDateTime', instant, { hubspotFallbacks: ['hs_meeting_start_time', 'hs_timestamp'] }),
      pair('hs_timestamp', 'StartDateTime', instant, { only: 'to_hubspot' }),
    ],
  },
  {
    hubspotObjectType: 'tasks',
    salesforceObject: 'Task',
    taskSubtype: 'Task',
    salesforceOnCreate: {},
    hubspotOnCreate: {},
    hubspotTimestampFallback: 'CreatedDate',
    timelineSettingKey: 'activities.timeline.tasks',
    fromSalesforceSettingKey: 'activities.fromSalesforce.tasks',
    fields: [
      pair('hs_task_subject', 'Subject', subject),
      pair('hs_task_body', 'Description', longText, { html: true }),
      // A task's timestamp is its due date; Salesforce keeps a Task's due date as a day.
      pair('hs_timestamp', 'ActivityDate', day),
      pair('hs_task_status', 'Status', taskStatus),
      pair('hs_task_priority', 'Priority', taskPriority),
    ],
  },
];

/**
 * Timeline toggles with no HubSpot CRM object behind them: form submissions live in the Forms API and marketing
 * email events in the email events API, neither searchable by modification date nor associable as engagements.
 */
export const timelineTogglesWithoutObject: readonly SettingKey[] = ['activities.timeline.formSubmissions', 'activities.timeline.marketingEmails'];

/** The pairing of activities as the cycle's summary names it. */
export const ACTIVITIES = 'activities';
