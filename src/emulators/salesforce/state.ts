import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { FaultInjector } from '../shared/faults.ts';
import { CallStats } from '../shared/stats.ts';
import { buildApi, type SalesforceApi } from './api.ts';
import { TokenIssuer } from './auth.ts';
import type { OrgConfig } from './config.ts';
import { SalesforceOrg, type PersistedOrg } from './org.ts';
import { seedDemo } from './seed.ts';
import { ChangeEventStream } from './streaming.ts';
import { ApiUsage } from './usage.ts';

export interface SalesforceStateOptions {
  seed?: 'demo' | 'none';
  persistFile?: string;
  /** The org's clock in ms; tests pass a controllable one. */
  clock?: () => number;
  config?: Partial<OrgConfig>;
  /** How long /cometd holds an idle /meta/connect (Salesforce: 110 s); tests shorten it. */
  streamingTimeoutMs?: number;
}

/** Everything one emulated org holds, shared by the REST routes and the admin API. */
export class SalesforceEmulatorState {
  readonly org: SalesforceOrg;
  readonly usage = new ApiUsage();
  readonly stats = new CallStats();
  readonly faults = new FaultInjector();
  readonly tokens: TokenIssuer;
  readonly api: SalesforceApi;
  readonly changeEvents: ChangeEventStream;
  private clockOffset = 0;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SalesforceStateOptions = {}) {
    const baseClock = options.clock ?? Date.now;
    const clock = () => baseClock() + this.clockOffset;
    this.org = new SalesforceOrg(clock);
    this.tokens = new TokenIssuer(clock);
    this.api = buildApi(this.org, this.usage);
    this.changeEvents = new ChangeEventStream(this.org, options.streamingTimeoutMs);
    if (options.persistFile && existsSync(options.persistFile)) {
      this.org.importState(JSON.parse(readFileSync(options.persistFile, 'utf8')) as PersistedOrg);
    } else {
      this.applyStartOptions();
    }
  }

  private applyStartOptions(): void {
    if (this.options.config) this.org.config = { ...this.org.config, ...this.options.config };
    if (this.options.seed === 'demo') seedDemo(this.org);
  }

  /** A fresh org (data, schema, configuration, tokens, usage, stats, faults); the start-up seed is not re-applied. */
  reset(): void {
    this.org.reset();
    this.usage.reset();
    this.stats.reset();
    this.faults.clear();
    this.tokens.reset();
    this.api.cursors.clear();
    this.changeEvents.reset();
  }

  advanceClock(ms: number): void {
    this.clockOffset += ms;
  }

  /** Writes are batched: a benchmark inserting 50,000 records must not rewrite the file per call. */
  scheduleSave(): void {
    if (!this.options.persistFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.saveNow(), 250);
    this.saveTimer.unref();
  }

  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const file = this.options.persistFile;
    if (!file) return;
    writeFileSync(`${file}.tmp`, JSON.stringify(this.org.exportState()));
    renameSync(`${file}.tmp`, file);
  }
}
