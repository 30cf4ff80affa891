import { DynamicModule, Inject, Logger, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  StatefulServiceModule,
  repeatEvery,
  serviceModule,
  type Repeating,
} from '@llmgov/service-kit';
import { AUDIT_OPTIONS, type AuditModuleOptions } from './audit.options';
import { auditMigrationClasses } from './persistence/schema';
import { AuditLogWriter } from './ingest/audit-log.writer';
import { AuditConsumer } from './ingest/audit.consumer';
import { AuditLogReader } from './query/audit-log.reader';
import { AuditController } from './query/audit.controller';
import { loadOrCreateSigningKey } from './retention/signing-key.store';
import { RetentionService } from './retention/retention.service';
import { WebhookStore } from './webhooks/webhook.store';
import { WebhookConsumer } from './webhooks/webhook.consumer';
import { WebhookDeliverer } from './webhooks/webhook.deliverer';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WEBHOOK_SECRETS } from './webhooks/webhook-secrets';

export const AUDIT_DATA_SOURCE = Symbol('AUDIT_DATA_SOURCE');

/**
 * The audit sink: consumes every topic into a per-org hash chain in its own schema and
 * serves `/audit/*`. Include `HealthModule` in the root module, not here.
 */
@Module({})
export class AuditModule extends StatefulServiceModule {
  private readonly logger = new Logger('AuditModule');
  private retentionRuns?: Repeating;

  constructor(
    @Inject(AUDIT_OPTIONS) private readonly options: AuditModuleOptions,
    @Inject(AuditConsumer) private readonly consumer: AuditConsumer,
    @Inject(RetentionService) private readonly retention: RetentionService,
    @Inject(WebhookConsumer) private readonly webhookConsumer: WebhookConsumer,
    @Inject(WebhookDeliverer) private readonly webhookDeliverer: WebhookDeliverer,
  ) {
    super('audit');
  }

  static forRoot(options: AuditModuleOptions): DynamicModule {
    const now = () => options.clock.now();
    return serviceModule(
      AuditModule,
      {
        service: 'audit',
        runtime: options,
        optionsToken: AUDIT_OPTIONS,
        token: AUDIT_DATA_SOURCE,
        migrations: auditMigrationClasses,
      },
      (schema) => ({
        controllers: [AuditController, WebhooksController],
        providers: [
          {
            provide: AuditLogWriter,
            inject: [AUDIT_DATA_SOURCE],
            useFactory: (ds: DataSource) => new AuditLogWriter(ds, schema, now),
          },
          {
            provide: AuditLogReader,
            inject: [AUDIT_DATA_SOURCE],
            useFactory: (ds: DataSource) => new AuditLogReader(ds, schema),
          },
          {
            provide: AuditConsumer,
            inject: [AuditLogWriter],
            useFactory: (writer: AuditLogWriter) =>
              new AuditConsumer(options.bus, writer, now, options.consumersPerTopic ?? 1),
          },
          { provide: WEBHOOK_SECRETS, useValue: options.webhookSecrets ?? new Map() },
          {
            provide: WebhookStore,
            inject: [AUDIT_DATA_SOURCE],
            useFactory: (ds: DataSource) => new WebhookStore(ds, schema),
          },
          {
            provide: WebhookConsumer,
            inject: [WebhookStore],
            useFactory: (store: WebhookStore) => new WebhookConsumer(options.bus, store, now),
          },
          {
            provide: WebhookDeliverer,
            inject: [WebhookStore],
            useFactory: (store: WebhookStore) =>
              new WebhookDeliverer(
                store,
                {
                  secrets: options.webhookSecrets ?? new Map(),
                  maxAttempts: options.webhooks?.maxAttempts ?? 6,
                  backoffMs: options.webhooks?.backoffMs ?? 1000,
                  timeoutMs: options.webhooks?.timeoutMs ?? 10_000,
                  pollMs: options.webhooks?.pollMs ?? 250,
                },
                now,
              ),
          },
          {
            provide: RetentionService,
            inject: [AUDIT_DATA_SOURCE],
            useFactory: async (ds: DataSource) =>
              new RetentionService(
                ds,
                schema,
                await loadOrCreateSigningKey(ds, schema, options.signingKey),
                {
                  segmentSize: options.segmentSize ?? 10_000,
                  defaultRetentionDays: options.defaultRetentionDays ?? 365,
                },
              ),
          },
        ],
        exports: [AuditLogReader, AuditLogWriter, RetentionService, AUDIT_DATA_SOURCE],
      }),
    );
  }

  protected async start(): Promise<void> {
    this.readiness?.register(
      'audit.consumer',
      () => this.options.consume === false || this.consumer.running,
    );
    this.readiness?.register(
      'audit.webhooks',
      () => this.options.consume === false || this.webhookConsumer.running,
    );
    if (this.options.consume !== false) {
      await this.consumer.start();
      await this.webhookConsumer.start();
      this.webhookDeliverer.start();
    }
    this.retentionRuns = repeatEvery(
      this.options.retentionIntervalMs ?? 3_600_000,
      () => this.retention.run(this.options.clock.now()),
      this.logger,
      'retention',
    );
  }

  protected async stop(): Promise<void> {
    this.retentionRuns?.stop();
    await this.consumer.stop();
    await this.webhookConsumer.stop();
    await this.webhookDeliverer.stop();
  }
}
