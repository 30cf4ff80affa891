import { DynamicModule, Inject, Logger, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { tenancyTopic } from '@llmgov/events';
import type { Subscription } from '@llmgov/messaging';
import {
  StatefulServiceModule,
  TenancyDirectory,
  type Repeating,
  type ServiceRuntime,
  repeatEvery,
  serviceModule,
} from '@llmgov/service-kit';
import { EventStore, OutboxRelay } from '@llmgov/eventstore';
import { approvalsPending } from '@llmgov/telemetry';
import { approvalWorkflowMigrations } from './persistence/schema';
import { ApprovalRepository } from './approvals/approval.repository';
import { HeldAnswers, heldAnswerMigrations } from './approvals/held-answers';
import { ApprovalService } from './approvals/approval.service';
import { ApprovalWaiters } from './approvals/approval-waiters';
import { KeyIssuers } from './approvals/key-issuers';
import { ApprovalRequestedConsumer } from './approvals/approval-requested.consumer';
import { ApprovalsController } from './approvals/approvals.controller';
import { ReviewRepository } from './reviews/review.repository';
import { ReviewService } from './reviews/review.service';
import { ReviewRulesConsumer } from './reviews/review-rules.consumer';
import { ReviewsController } from './reviews/reviews.controller';

export interface ApprovalWorkflowOptions extends ServiceRuntime {
  /** Postgres schema of this service (default `approval_workflow`; tests use their own). */
  schema?: string;
  /** How often due approvals are expired (default 1000 ms; 0: only when `sweep()` is called). */
  sweepIntervalMs?: number;
  /** How often the outbox relay polls when it is empty (default 20 ms, the OutboxRelay's). */
  relayIntervalMs?: number;
}

const OPTIONS = Symbol('APPROVAL_WORKFLOW_OPTIONS');
export const APPROVAL_DATA_SOURCE = Symbol('APPROVAL_DATA_SOURCE');

/**
 * Human-in-the-loop approvals and agent reviews: `/approvals/*` and
 * `/governance/agents/:id/reviews|review-status`. Include `HealthModule` in the root module.
 */
@Module({})
export class ApprovalWorkflowModule extends StatefulServiceModule {
  private readonly logger = new Logger('ApprovalWorkflow');
  private sweeps?: Repeating;
  private issuersSubscription?: Subscription;
  private unobservePending?: () => void;

  constructor(
    @Inject(OPTIONS) private readonly options: ApprovalWorkflowOptions,
    @Inject(ApprovalService) private readonly approvals: ApprovalService,
    @Inject(ApprovalRequestedConsumer) private readonly requests: ApprovalRequestedConsumer,
    @Inject(ReviewRulesConsumer) private readonly reviewRules: ReviewRulesConsumer,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(KeyIssuers) private readonly issuers: KeyIssuers,
  ) {
    super('approval-workflow');
  }

  static forRoot(options: ApprovalWorkflowOptions): DynamicModule {
    return serviceModule(
      ApprovalWorkflowModule,
      {
        service: 'approval-workflow',
        runtime: options,
        optionsToken: OPTIONS,
        token: APPROVAL_DATA_SOURCE,
        migrations: (s) => [...approvalWorkflowMigrations(s), ...heldAnswerMigrations(s)],
      },
      (schema) => ({
        controllers: [ApprovalsController, ReviewsController],
        providers: [
          {
            provide: EventStore,
            inject: [APPROVAL_DATA_SOURCE],
            useFactory: (ds: DataSource) => new EventStore(ds, schema, { clock: options.clock }),
          },
          { provide: ApprovalWaiters, useValue: new ApprovalWaiters() },
          { provide: KeyIssuers, useValue: new KeyIssuers() },
          {
            provide: ApprovalService,
            inject: [APPROVAL_DATA_SOURCE, EventStore, ApprovalWaiters, KeyIssuers],
            useFactory: (
              ds: DataSource,
              store: EventStore,
              waiters: ApprovalWaiters,
              issuers: KeyIssuers,
            ) =>
              new ApprovalService(
                new ApprovalRepository(ds, schema, store),
                options.clock,
                waiters,
                issuers,
                new HeldAnswers(ds, schema),
              ),
          },
          {
            provide: ReviewRepository,
            inject: [APPROVAL_DATA_SOURCE, EventStore],
            useFactory: (ds: DataSource, store: EventStore) =>
              new ReviewRepository(ds, schema, store),
          },
          {
            provide: ReviewService,
            inject: [ReviewRepository, TenancyDirectory],
            useFactory: (repo: ReviewRepository, directory: TenancyDirectory) =>
              new ReviewService(repo, directory, options.clock),
          },
          {
            provide: ApprovalRequestedConsumer,
            inject: [APPROVAL_DATA_SOURCE, ApprovalService],
            useFactory: (ds: DataSource, service: ApprovalService) =>
              new ApprovalRequestedConsumer(options.bus, ds, service),
          },
          {
            provide: ReviewRulesConsumer,
            inject: [ReviewRepository],
            useFactory: (repo: ReviewRepository) => new ReviewRulesConsumer(options.bus, repo),
          },
        ],
        exports: [ApprovalService, OutboxRelay, APPROVAL_DATA_SOURCE],
      }),
    );
  }

  protected async start(): Promise<void> {
    this.readiness?.register('approval-workflow.consumer', () => this.requests.running);
    this.issuersSubscription = await this.options.bus.subscribe({
      topic: tenancyTopic,
      group: `approval-workflow.key-issuers.${this.options.replicaId}`,
      fromBeginning: true,
      handler: async (event) => this.issuers.apply(event),
    });
    await this.requests.start();
    await this.reviewRules.start();
    this.relay.start();
    this.unobservePending = approvalsPending.observe(
      `approval-workflow:${this.options.replicaId}`,
      async () => [{ labels: {}, value: await this.approvals.countPending() }],
    );
    this.sweeps = repeatEvery(
      this.options.sweepIntervalMs ?? 1000,
      () => this.approvals.sweep(),
      this.logger,
      'expiry sweep',
    );
  }

  protected async stop(): Promise<void> {
    this.unobservePending?.();
    this.sweeps?.stop();
    await this.sweeps?.latest();
    await this.requests.stop();
    await this.reviewRules.stop();
    await this.issuersSubscription?.close();
    await this.relay.stop();
  }
}
