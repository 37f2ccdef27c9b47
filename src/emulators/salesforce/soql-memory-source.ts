import type { SoqlDataSource, SoqlObject, SoqlRecord } from './soql-source.ts';

/**
 * The smallest SoqlDataSource that honours the contract: objects by case-insensitive name, scans that hide
 * deleted records unless asked, and lookups by 15- or 18-character id. The evaluator's tests run against it;
 * the record store is the real implementation.
 */
export class InMemorySoqlSource implements SoqlDataSource {
  private readonly objects = new Map<string, SoqlObject>();
  private readonly records = new Map<string, SoqlRecord[]>();
  private readonly byId = new Map<string, { objectName: string; record: SoqlRecord }>();

  constructor(objects: SoqlObject[]) {
    for (const object of objects) {
      this.objects.set(object.name.toLowerCase(), object);
      this.records.set(object.name, []);
    }
  }

  /** Adds records (each with an 18-character `Id`) to an object. */
  insert(objectName: string, ...records: SoqlRecord[]): this {
    const object = this.object(objectName);
    if (!object) throw new Error(`unknown object ${objectName}`);
    for (const record of records) {
      this.records.get(object.name)!.push(record);
      this.byId.set(String(record['Id']).slice(0, 15), { objectName: object.name, record });
    }
    return this;
  }

  object(name: string): SoqlObject | undefined {
    return this.objects.get(name.toLowerCase());
  }

  *scan(objectName: string, includeDeleted: boolean): Iterable<SoqlRecord> {
    const object = this.object(objectName);
    for (const record of object ? this.records.get(object.name)! : []) {
      if (includeDeleted || record['IsDeleted'] !== true) yield record;
    }
  }

  get(id: string): { objectName: string; record: SoqlRecord } | undefined {
    return this.byId.get(id.slice(0, 15));
  }
}
