import type { StoreContext } from './context.ts';
import { ApiLedgerRepository } from './api-ledger.ts';
import { IntegrationStateRepository } from './integration-state.ts';
import { CheckpointsRepository } from './checkpoints.ts';
import { FieldMappingsRepository } from './field-mappings.ts';
import { IdLinksRepository } from './id-links.ts';
import { SettingsRepository } from './settings.ts';
import { SyncedValuesRepository } from './synced-values.ts';
import { SyncErrorsRepository } from './sync-errors.ts';
import { WriteIntentsRepository } from './write-intents.ts';
import { AuditTrailRepository } from './audit-trail.ts';
import { SyncRunsRepository } from './sync-runs.ts';
import { SecretsRepository, type SecretKeyring } from './secrets.ts';
import { ReceivedEventsRepository } from './received-events.ts';
import { ImportsRepository } from './imports.ts';

/** Every repository, bound to one context: the store itself, or one transaction of it. */
export class StoreRepositories {
  readonly settings: SettingsRepository;
  readonly fieldMappings: FieldMappingsRepository;
  readonly idLinks: IdLinksRepository;
  readonly checkpoints: CheckpointsRepository;
  readonly syncedValues: SyncedValuesRepository;
  readonly apiLedger: ApiLedgerRepository;
  readonly integrationState: IntegrationStateRepository;
  readonly syncErrors: SyncErrorsRepository;
  readonly writeIntents: WriteIntentsRepository;
  readonly auditTrail: AuditTrailRepository;
  readonly syncRuns: SyncRunsRepository;
  readonly secrets: SecretsRepository;
  readonly receivedEvents: ReceivedEventsRepository;
  readonly imports: ImportsRepository;

  constructor(
    protected readonly context: StoreContext,
    protected readonly keyring: SecretKeyring,
  ) {
    this.settings = new SettingsRepository(context);
    this.fieldMappings = new FieldMappingsRepository(context);
    this.idLinks = new IdLinksRepository(context);
    this.checkpoints = new CheckpointsRepository(context);
    this.syncedValues = new SyncedValuesRepository(context);
    this.apiLedger = new ApiLedgerRepository(context);
    this.integrationState = new IntegrationStateRepository(context);
    this.syncErrors = new SyncErrorsRepository(context);
    this.writeIntents = new WriteIntentsRepository(context);
    this.auditTrail = new AuditTrailRepository(context);
    this.syncRuns = new SyncRunsRepository(context);
    this.secrets = new SecretsRepository(context, keyring);
    this.receivedEvents = new ReceivedEventsRepository(context);
    this.imports = new ImportsRepository(context);
  }

  get dialect(): StoreContext['dialect'] {
    return this.context.dialect;
  }
}
