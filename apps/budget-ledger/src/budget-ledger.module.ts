import { DynamicModule, Inject, Logger, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  CLOCK,
  StatefulServiceModule,
  newId,
  repeatEvery,
  serviceModule,
  type Repeating,
} from '@llmgov/service-kit';
import type { BudgetLedgerOptions } from './budget-ledger.options';
import { ledgerMigrationClasses } from './persistence/schema';
import { LedgerWriter } from './ingest/ledger.writer';
import { LedgerConsumer } from './ingest/ledger.consumer';
import { EventStore, Inbox, OutboxRelay } from '@llmgov/eventstore';
import { LedgerReader } from './budgets/ledger.reader';
import { BudgetsController, SNAPSHOT_TOKEN } from './budgets/budgets.controller';

export const LEDGER_DATA_SOURCE = Symbol('LEDGER_DATA_SOURCE');
const LEDGER_OPTIONS = Symbol('LEDGER_OPTIONS');

/**
 * The budget ledger: folds `request.admitted` / `request.completed` and active policy
 * versions into spend and reservation projections (schema `budget_ledger`), emits budget
 * alerts through its outbox, and serves `/budgets/*`. The root module adds HealthModule.
 */
@Module({})
export class BudgetLedgerModule extends StatefulServiceModule {
  private readonly logger = new Logger('BudgetLedger');
  private pruneRuns?: Repeating;

  constructor(
    @Inject(LEDGER_OPTIONS) private readonly options: BudgetLedgerOptions,
    @Inject(LedgerConsumer) private readonly consumer: LedgerConsumer,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(LedgerWriter) private readonly writer: LedgerWriter,
  ) {
    super('budget-ledger');
  }

  static forRoot(options: BudgetLedgerOptions): DynamicModule {
    const now = () => options.clock.now();
    return serviceModule(
      BudgetLedgerModule,
      {
        service: 'budget-ledger',
        runtime: options,
        optionsToken: LEDGER_OPTIONS,
        token: LEDGER_DATA_SOURCE,
        migrations: ledgerMigrationClasses,
      },
      (schema) => ({
        controllers: [BudgetsController],
        providers: [
          { provide: CLOCK, useValue: options.clock },
          { provide: SNAPSHOT_TOKEN, useValue: options.snapshotToken ?? null },
          {
            provide: LedgerWriter,
            inject: [LEDGER_DATA_SOURCE],
            useFactory: (ds: DataSource) =>
              new LedgerWriter(
                ds,
                schema,
                new Inbox(ds, schema),
                new EventStore(ds, schema, { clock: options.clock }),
                now,
                () => newId('evt'),
              ),
          },
          {
            provide: LedgerReader,
            inject: [LEDGER_DATA_SOURCE],
            useFactory: (ds: DataSource) => new LedgerReader(ds, schema),
          },
          {
            provide: LedgerConsumer,
            inject: [LedgerWriter],
            useFactory: (w: LedgerWriter) => new LedgerConsumer(options.bus, w, options.group),
          },
        ],
        exports: [LedgerReader, LedgerWriter, OutboxRelay, LEDGER_DATA_SOURCE],
      }),
    );
  }

  protected async start(): Promise<void> {
    this.readiness?.register(
      'budget-ledger.consumer',
      () => this.options.consume === false || this.consumer.running,
    );
    this.relay.start();
    if (this.options.consume !== false) await this.consumer.start();
    this.pruneRuns = repeatEvery(
      this.options.pruneIntervalMs ?? 60_000,
      () => this.writer.prune(this.options.clock.now()),
      this.logger,
      'prune',
    );
  }

  protected async stop(): Promise<void> {
    this.pruneRuns?.stop();
    await this.consumer.stop();
    await this.relay.stop();
  }
}
