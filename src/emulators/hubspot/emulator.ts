import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { FaultInjector } from '../shared/faults.ts';
import { CallStats } from '../shared/stats.ts';
import type { z } from 'zod';
import type { configSchema } from './admin.ts';
import { HubSpotTokens, type TokenSnapshot } from './auth.ts';
import { HubSpotRateLimiter, type RateLimitConfig } from './limits.ts';
import { HubSpotOwners, type HubSpotOwner } from './owners.ts';
import type { HubSpotAssociationStore, HubSpotChange, HubSpotEmulatorModule } from './ports.ts';
import { HubSpotSchema, type SchemaSnapshot } from './schema.ts';
import { seedCounts, seedDemo } from './seed.ts';
import { HubSpotStore, type StoreSnapshot } from './store.ts';

/** Everything the emulator holds, and what reset, seed, config and persistence do to it. */

export interface PersistedState {
  format: 'crmsync-hubspot-emulator/1';
  portalId: number;
  schema: SchemaSnapshot;
  store: StoreSnapshot;
  owners: { owners: HubSpotOwner[]; nextId: number };
  tokens: TokenSnapshot;
  modules: Record<string, unknown>;
}

export const defaultPortalId = 881_234;

export class HubSpotEmulatorCore {
  portalId = defaultPortalId;
  readonly schema = new HubSpotSchema(() => this.portalId);
  readonly owners = new HubSpotOwners();
  readonly store = new HubSpotStore(this.schema, (id) => this.owners.exists(id));
  readonly tokens = new HubSpotTokens(() => this.portalId);
  readonly limiter = new HubSpotRateLimiter();
  readonly faults = new FaultInjector();
  readonly calls = new CallStats();
  readonly modules: HubSpotEmulatorModule[] = [];
  associationStore: HubSpotAssociationStore | undefined;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly persistFile?: string) {
    this.store.onChange((change) => this.forward(change));
  }

  /** Every change the store makes reaches every module (webhooks deliver it, dynamic lists re-evaluate). */
  forward(change: HubSpotChange): void {
    // Association changes come from a module, not the store: they too make cached search results stale.
    if (change.kind === 'associationChange') this.store.version += 1;
    for (const module of this.modules) module.onChange(change);
    this.scheduleSave();
  }

  addModule(module: HubSpotEmulatorModule, associationStore?: HubSpotAssociationStore): void {
    this.modules.push(module);
    if (associationStore) this.associationStore = associationStore;
  }

  reset(): void {
    this.schema.reset();
    this.store.reset();
    this.owners.reset();
    this.tokens.reset();
    this.limiter.reset();
    this.faults.clear();
    this.calls.reset();
    for (const module of this.modules) module.state.reset();
    this.scheduleSave();
  }

  /**
   * Demo parts that live in modules (lists) and are seeded through their admin routes once the records exist;
   * index.ts registers them, since only it knows which modules are present.
   */
  readonly demoExtras: Array<() => Promise<Record<string, number>>> = [];

  async seedDemo(): Promise<Record<string, number>> {
    let created = seedDemo({ store: this.store, schema: this.schema, owners: this.owners, associations: () => this.associationStore });
    for (const extra of this.demoExtras) created = { ...created, ...(await extra()) };
    this.scheduleSave();
    return created;
  }

  seedCounts(counts: Record<string, number>): Record<string, number> {
    const created = seedCounts({ store: this.store, owners: this.owners, associations: () => this.associationStore }, counts);
    this.scheduleSave();
    return created;
  }

  config(): { portalId: number; rateLimits: RateLimitConfig; acceptAnyToken: boolean; accessTokenTtlSeconds: number } {
    return { portalId: this.portalId, rateLimits: this.limiter.limits, acceptAnyToken: this.tokens.acceptAnyToken, accessTokenTtlSeconds: this.tokens.accessTokenTtlSeconds };
  }

  configure(input: z.infer<typeof configSchema>): ReturnType<HubSpotEmulatorCore['config']> {
    if (input.portalId !== undefined) this.portalId = input.portalId;
    if (input.rateLimits) this.limiter.configure(Object.fromEntries(Object.entries(input.rateLimits).filter(([, v]) => v !== undefined)));
    if (input.acceptAnyToken !== undefined) this.tokens.acceptAnyToken = input.acceptAnyToken;
    if (input.accessTokenTtlSeconds !== undefined) this.tokens.accessTokenTtlSeconds = input.accessTokenTtlSeconds;
    return this.config();
  }

  stats() {
    const records: Record<string, { active: number; archived: number }> = {};
    for (const type of this.schema.all()) records[type.name] = this.store.count(type.name);
    // Same top-level shape as the Salesforce emulator's stats: {total, byEndpoint, …}.
    return { ...this.calls.snapshot(), rateLimits: this.limiter.describe(), faults: this.faults.describe(), records, owners: this.owners.all().length };
  }

  snapshot(): PersistedState {
    return {
      format: 'crmsync-hubspot-emulator/1',
      portalId: this.portalId,
      schema: this.schema.snapshot(),
      store: this.store.snapshot(),
      owners: this.owners.snapshot(),
      tokens: this.tokens.snapshot(),
      modules: Object.fromEntries(this.modules.map((m) => [m.name, m.state.snapshot()])),
    };
  }

  restore(state: PersistedState): void {
    if (state.format !== 'crmsync-hubspot-emulator/1') throw new Error(`unsupported HubSpot emulator state format ${String(state.format)}`);
    this.portalId = state.portalId;
    this.schema.restore(state.schema);
    this.store.restore(state.store);
    this.owners.restore(state.owners);
    this.tokens.restore(state.tokens);
    for (const module of this.modules) {
      if (module.name in state.modules) module.state.restore(state.modules[module.name]);
    }
  }

  /** Loads the persisted state; false when there is none yet. */
  load(): boolean {
    if (!this.persistFile || !existsSync(this.persistFile)) return false;
    this.restore(JSON.parse(readFileSync(this.persistFile, 'utf8')) as PersistedState);
    return true;
  }

  /** Writes the state atomically (temp file, then rename), so a kill mid-write leaves the previous state. */
  save(): void {
    if (!this.persistFile) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const temp = `${this.persistFile}.tmp`;
    writeFileSync(temp, JSON.stringify(this.snapshot()));
    renameSync(temp, this.persistFile);
  }

  /** Saves at most once a second while writes go on: a save per write would dominate a bulk load. */
  scheduleSave(): void {
    if (!this.persistFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.save(), 1_000);
    this.saveTimer.unref();
  }
}
