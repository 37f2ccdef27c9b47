import type { HubSpotAssociationType, HubSpotObjectType } from './ports.ts';

/**
 * HubSpot's association type catalogue: which type ids exist between two object types, their labels, and
 * the inverse id HubSpot stores on the other end. Built-in ids come from the official client's
 * `AssociationTypes` enum (lib/src/enums/AssociationTypes.js), which mirrors HubSpot's
 * "Association type id values" table in the associations v4 guide.
 */

export type AssociationCategory = HubSpotAssociationType['associationCategory'];

export interface AssociationDefinition {
  fromType: HubSpotObjectType;
  toType: HubSpotObjectType;
  typeId: number;
  category: AssociationCategory;
  /** null for the unlabelled (default) type, as the v4 labels endpoint returns it. */
  label: string | null;
  inverseTypeId: number;
  /** The pair's most generic type: what `associate/default` creates and what every labelled association implies. */
  isDefault: boolean;
  /** A record holds this type with at most one record of the other type (HubSpot's "Primary" company). */
  single: boolean;
}

export interface UserDefinedLabel {
  fromType: HubSpotObjectType;
  toType: HubSpotObjectType;
  typeId: number;
  inverseTypeId: number;
  label: string | null;
  inverseLabel: string | null;
  name: string;
  /** true for the generated unlabelled type of a pair that involves a custom object. */
  isDefault: boolean;
}

export const standardObjectTypes = new Set(['contacts', 'companies', 'deals', 'tickets', 'notes', 'emails', 'calls', 'meetings', 'tasks']);

/** [from, to, default id, inverse default id, primary id?, inverse primary id?] */
type PairSeed = [string, string, number, number, number?, number?];

const pairSeeds: PairSeed[] = [
  ['contacts', 'companies', 279, 280, 1, 2],
  ['deals', 'companies', 341, 342, 5, 6],
  ['tickets', 'companies', 339, 340, 26, 25],
  ['deals', 'contacts', 3, 4],
  ['tickets', 'contacts', 16, 15],
  ['deals', 'tickets', 27, 28],
  ['contacts', 'contacts', 449, 449],
  ['companies', 'companies', 450, 450],
  ['deals', 'deals', 451, 451],
  ['tickets', 'tickets', 452, 452],
  // Engagements: {engagement}To{Contact, Company, Deal, Ticket} and their inverses.
  ['calls', 'contacts', 194, 193], ['calls', 'companies', 182, 181], ['calls', 'deals', 206, 205], ['calls', 'tickets', 220, 219],
  ['emails', 'contacts', 198, 197], ['emails', 'companies', 186, 185], ['emails', 'deals', 210, 209], ['emails', 'tickets', 224, 223],
  ['meetings', 'contacts', 200, 199], ['meetings', 'companies', 188, 187], ['meetings', 'deals', 212, 211], ['meetings', 'tickets', 226, 225],
  ['notes', 'contacts', 202, 201], ['notes', 'companies', 190, 189], ['notes', 'deals', 214, 213], ['notes', 'tickets', 228, 227],
  ['tasks', 'contacts', 204, 203], ['tasks', 'companies', 192, 191], ['tasks', 'deals', 216, 215], ['tasks', 'tickets', 230, 229],
  ['calls', 'meetings', 399, 400],
];

/** Parent and child companies: 13 parentToChildCompany, 14 childToParentCompany, labelled as the v4 labels endpoint shows them. */
const companyHierarchy: AssociationDefinition[] = [
  { fromType: 'companies', toType: 'companies', typeId: 13, category: 'HUBSPOT_DEFINED', label: 'Child Company', inverseTypeId: 14, isDefault: false, single: false },
  // A company has one parent.
  { fromType: 'companies', toType: 'companies', typeId: 14, category: 'HUBSPOT_DEFINED', label: 'Parent Company', inverseTypeId: 13, isDefault: false, single: true },
];

function builtIns(): AssociationDefinition[] {
  const out: AssociationDefinition[] = [];
  const defined = (fromType: string, toType: string, typeId: number, inverseTypeId: number, label: string | null, isDefault: boolean, single: boolean) =>
    out.push({ fromType, toType, typeId, category: 'HUBSPOT_DEFINED', label, inverseTypeId, isDefault, single });
  for (const [from, to, id, inverse, primary, inversePrimary] of pairSeeds) {
    defined(from, to, id, inverse, null, true, false);
    if (from !== to) defined(to, from, inverse, id, null, true, false);
    if (primary !== undefined && inversePrimary !== undefined) {
      // A contact, deal or ticket has one primary company; a company is "primary" for many of them.
      defined(from, to, primary, inversePrimary, 'Primary', false, true);
      defined(to, from, inversePrimary, primary, 'Primary', false, false);
    }
  }
  out.push(...companyHierarchy);
  return out;
}

const pairKey = (from: string, to: string) => `${from}\u0000${to}`;

/** HubSpot numbers user-defined labels per portal; start well clear of the built-in ids. */
const firstUserTypeId = 1_000;

export class AssociationCatalogue {
  private readonly builtIn = new Map<string, AssociationDefinition[]>();
  private userLabels: UserDefinedLabel[] = [];
  private nextTypeId = firstUserTypeId;

  constructor() {
    for (const definition of builtIns()) {
      const key = pairKey(definition.fromType, definition.toType);
      const list = this.builtIn.get(key) ?? [];
      list.push(definition);
      this.builtIn.set(key, list);
    }
  }

  /**
   * Every type between two object types, default first. A pair with a custom object gets its unlabelled type
   * on first use, as HubSpot creates one when the schema names the associated object; two standard types with
   * no built-in pair (notes to tasks) have no types at all.
   */
  definitions(fromType: HubSpotObjectType, toType: HubSpotObjectType): AssociationDefinition[] {
    const builtIn = this.builtIn.get(pairKey(fromType, toType)) ?? [];
    if (builtIn.length === 0 && (!standardObjectTypes.has(fromType) || !standardObjectTypes.has(toType))) this.ensureCustomDefault(fromType, toType);
    const user = this.userLabels.flatMap((l): AssociationDefinition[] => {
      const forward = l.fromType === fromType && l.toType === toType;
      const backward = l.fromType === toType && l.toType === fromType;
      const result: AssociationDefinition[] = [];
      if (forward) result.push({ fromType, toType, typeId: l.typeId, category: 'USER_DEFINED', label: l.label, inverseTypeId: l.inverseTypeId, isDefault: l.isDefault, single: false });
      // A same-type pair lists both ends of an asymmetric label (Manager / Employee); a symmetric one only once.
      if (backward && (l.typeId !== l.inverseTypeId || !forward)) {
        result.push({ fromType, toType, typeId: l.inverseTypeId, category: 'USER_DEFINED', label: l.inverseLabel ?? l.label, inverseTypeId: l.typeId, isDefault: l.isDefault, single: false });
      }
      return result;
    });
    return [...builtIn, ...user].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  }

  find(fromType: HubSpotObjectType, toType: HubSpotObjectType, typeId: number): AssociationDefinition | undefined {
    return this.definitions(fromType, toType).find((d) => d.typeId === typeId);
  }

  defaultOf(fromType: HubSpotObjectType, toType: HubSpotObjectType): AssociationDefinition | undefined {
    return this.definitions(fromType, toType).find((d) => d.isDefault);
  }

  /** Creates a labelled USER_DEFINED type (and its inverse, when the label is asymmetric). */
  createLabel(fromType: HubSpotObjectType, toType: HubSpotObjectType, name: string, label: string, inverseLabel: string | undefined): AssociationDefinition[] {
    const typeId = this.nextTypeId++;
    const inverseTypeId = fromType === toType && inverseLabel === undefined ? typeId : this.nextTypeId++;
    this.userLabels.push({ fromType, toType, typeId, inverseTypeId, label, inverseLabel: inverseLabel ?? null, name, isDefault: false });
    return this.definitions(fromType, toType).filter((d) => d.typeId === typeId || d.typeId === inverseTypeId);
  }

  /** Renames a user-defined label; false when the id is not a user-defined type of the pair. */
  updateLabel(fromType: HubSpotObjectType, toType: HubSpotObjectType, typeId: number, label: string, inverseLabel: string | undefined): boolean {
    const entry = this.userLabels.find((l) => !l.isDefault && ((l.fromType === fromType && l.toType === toType && l.typeId === typeId) || (l.fromType === toType && l.toType === fromType && l.inverseTypeId === typeId)));
    if (!entry) return false;
    if (entry.typeId === typeId && entry.fromType === fromType) {
      entry.label = label;
      if (inverseLabel !== undefined) entry.inverseLabel = inverseLabel;
    } else {
      entry.inverseLabel = label;
      if (inverseLabel !== undefined) entry.label = inverseLabel;
    }
    return true;
  }

  /** Deletes a user-defined label with its inverse; returns the ids removed (empty when there was none). */
  deleteLabel(fromType: HubSpotObjectType, toType: HubSpotObjectType, typeId: number): number[] {
    const index = this.userLabels.findIndex((l) => !l.isDefault && ((l.fromType === fromType && l.toType === toType && l.typeId === typeId) || (l.fromType === toType && l.toType === fromType && l.inverseTypeId === typeId)));
    if (index < 0) return [];
    const [removed] = this.userLabels.splice(index, 1);
    return removed ? [removed.typeId, removed.inverseTypeId] : [];
  }

  private ensureCustomDefault(fromType: HubSpotObjectType, toType: HubSpotObjectType): void {
    const exists = this.userLabels.some((l) => l.isDefault && ((l.fromType === fromType && l.toType === toType) || (l.fromType === toType && l.toType === fromType)));
    if (exists) return;
    const typeId = this.nextTypeId++;
    const inverseTypeId = fromType === toType ? typeId : this.nextTypeId++;
    this.userLabels.push({ fromType, toType, typeId, inverseTypeId, label: null, inverseLabel: null, name: `${fromType}_to_${toType}`, isDefault: true });
  }

  reset(): void {
    this.userLabels = [];
    this.nextTypeId = firstUserTypeId;
  }

  snapshot(): { userLabels: UserDefinedLabel[]; nextTypeId: number } {
    return { userLabels: this.userLabels.map((l) => ({ ...l })), nextTypeId: this.nextTypeId };
  }

  restore(snapshot: { userLabels: UserDefinedLabel[]; nextTypeId: number }): void {
    this.userLabels = snapshot.userLabels.map((l) => ({ ...l }));
    this.nextTypeId = snapshot.nextTypeId;
  }
}
