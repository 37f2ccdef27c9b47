import type { FastifyInstance } from 'fastify';

/**
 * The contract between the HubSpot emulator's record store (objects, properties, search, batch) and the
 * modules built beside it (associations v4, lists v3, webhook delivery). The store owns records; the
 * modules get what they need through these narrow interfaces, so either side can be built and tested alone.
 */

/** Canonical object type names as HubSpot's paths use them: "contacts", "companies", "deals", "tickets",
 * "notes", "emails", "calls", "meetings", "tasks", or a custom object's fully qualified name ("p123_cars"). */
export type HubSpotObjectType = string;

export interface HubSpotRecordView {
  id: string;
  objectType: HubSpotObjectType;
  /** All property values as HubSpot serialises them: strings (or null). */
  properties: Readonly<Record<string, string | null>>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotRecordReader {
  /**
   * Resolves what a path or body may call an object type ("contacts", "contact", "0-1", "p123_cars",
   * "2-123456") to its canonical name, or undefined when there is no such type.
   */
  resolveObjectType(nameOrId: string): HubSpotObjectType | undefined;
  /** HubSpot's objectTypeId for a canonical type: "0-1" contacts, "0-2" companies, "0-3" deals, "0-5" tickets… */
  objectTypeId(objectType: HubSpotObjectType): string;
  get(objectType: HubSpotObjectType, id: string): HubSpotRecordView | undefined;
  scan(objectType: HubSpotObjectType): Iterable<HubSpotRecordView>;
}

/** What changed, as HubSpot's webhook subscriptions name it (contact.creation, contact.propertyChange …). */
export type HubSpotChange =
  | { kind: 'creation'; record: HubSpotRecordView }
  | { kind: 'propertyChange'; record: HubSpotRecordView; propertyName: string; propertyValue: string | null }
  | { kind: 'deletion'; objectType: HubSpotObjectType; id: string }
  | { kind: 'merge'; objectType: HubSpotObjectType; primaryId: string; mergedIds: string[]; newId: string }
  | { kind: 'restore'; record: HubSpotRecordView }
  | {
      kind: 'associationChange';
      fromObjectType: HubSpotObjectType;
      fromId: string;
      toObjectType: HubSpotObjectType;
      toId: string;
      associationTypeId: number;
      removed: boolean;
    };

/** Modules that react to record changes (dynamic lists re-evaluate, webhooks deliver) implement this. */
export interface HubSpotChangeListener {
  onChange(change: HubSpotChange): void;
}

/** Reset/seed/persist hooks every stateful module exposes to the emulator's admin API. */
export interface EmulatorModuleState<Snapshot> {
  reset(): void;
  snapshot(): Snapshot;
  restore(snapshot: Snapshot): void;
}

export interface HubSpotAssociationType {
  associationCategory: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  associationTypeId: number;
}

/**
 * What the record store needs of the associations module: create bodies carry `associations`, and
 * `GET /crm/v3/objects/{type}?associations=companies` and batch reads return them.
 */
export interface HubSpotAssociationStore {
  /** Throws an Error whose message HubSpot would show when the type id is unknown for the pair. */
  associate(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType, toId: string, types: HubSpotAssociationType[]): void;
  /** Ids (and type ids) of the records of `toType` associated with one record. */
  associationsOf(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType): Array<{ toId: string; types: HubSpotAssociationType[] }>;
}

/**
 * How each module plugs into the emulator's fastify app. The record store's index.ts builds the app, creates
 * the modules with the reader (and, for associations, nothing else), registers their routes, and forwards
 * every HubSpotChange to every module's listener.
 */
export interface HubSpotEmulatorModule<Snapshot = unknown> extends HubSpotChangeListener {
  name: string;
  /** Registers the module's vendor routes (counted, rate-limited and fault-injected like any vendor call)
   * and its admin routes under /__emulator/ (not counted). */
  register(app: FastifyInstance): void;
  state: EmulatorModuleState<Snapshot>;
}
